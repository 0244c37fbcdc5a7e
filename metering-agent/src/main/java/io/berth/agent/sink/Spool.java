package io.berth.agent.sink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.berth.agent.os.AtomicFiles;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The on-disk queue between measuring and PostgreSQL. Every window's samples are committed here first (fsync'd) and
 * leave only once PostgreSQL has them, so an unreachable database or a killed agent loses nothing. The spool is
 * bounded: when full, the oldest segments go, each one logged at ERROR and counted in
 * {@code berth_agent_samples_dropped_total}.
 */
public final class Spool {

    private static final Logger LOG = Logger.getLogger(Spool.class);
    static final ObjectMapper JSON = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES,
            false);

    private final Path dir;
    private final Path acked;
    private final Path rejected;
    private final long maxBytes;
    private final int keepAcked;
    private final Clock clock;
    private final MeterRegistry registry;
    /** Pending segment files by name (names sort by window end) and their sizes. */
    private final TreeMap<String, Long> pending = new TreeMap<>();
    private final Set<String> inFlight = new HashSet<>();
    private long bytes;

    public Spool(Path dir, long maxBytes, int keepAcked, Clock clock, MeterRegistry registry) {
        this.dir = dir;
        this.acked = dir.resolve("acked");
        this.rejected = dir.resolve("rejected");
        this.maxBytes = maxBytes;
        this.keepAcked = keepAcked;
        this.clock = clock;
        this.registry = registry;
        try {
            Files.createDirectories(acked);
            Files.createDirectories(rejected);
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path f : files) {
                    String name = f.getFileName().toString();
                    if (name.endsWith(".tmp")) {
                        // A write the agent did not finish: it never committed, so it never counted.
                        Files.delete(f);
                    } else if (name.endsWith(".json")) {
                        long size = Files.size(f);
                        pending.put(name, size);
                        bytes += size;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the spool " + dir, e);
        }
        registry.gauge("berth.agent.spool.bytes", this, Spool::bytes);
        registry.gauge("berth.agent.spool.segments", this, s -> s.segments());
        registry.gauge("berth.agent.spool.oldest.age.seconds", this, Spool::oldestAgeSeconds);
        Counter.builder("berth.agent.samples.dropped").tag("reason", "spool-full")
                .description("Sample rows lost because the spool was full (PostgreSQL unreachable too long)")
                .register(registry);
    }

    /** Commits a segment durably; from here on it is never lost silently. */
    public synchronized void commit(Segment segment) throws IOException {
        byte[] content = JSON.writeValueAsBytes(segment);
        makeRoom(content.length);
        String name = String.format("%013d-%s.json", segment.windowEnd(), segment.kind());
        for (int i = 2; pending.containsKey(name) || Files.exists(dir.resolve(name)); i++) {
            name = String.format("%013d-%s-%d.json", segment.windowEnd(), segment.kind(), i);
        }
        AtomicFiles.write(dir.resolve(name), content);
        pending.put(name, (long) content.length);
        bytes += content.length;
    }

    private void makeRoom(long needed) throws IOException {
        String newestPods = newestPodsName();
        for (String name : new ArrayList<>(pending.keySet())) {
            if (bytes + needed <= maxBytes) {
                return;
            }
            if (inFlight.contains(name) || name.equals(newestPods)) {
                continue;
            }
            Segment lost = read(dir.resolve(name));
            Files.deleteIfExists(dir.resolve(name));
            bytes -= pending.remove(name);
            Counter.builder("berth.agent.samples.dropped").tag("reason", "spool-full").register(registry)
                    .increment(lost.rows());
            LOG.errorf("SAMPLES LOST: the spool is full (berth.agent.spool.max-size=%d bytes) because PostgreSQL"
                    + " has been unreachable; dropped the oldest segment %s with %d rows (window ending %s)."
                    + " Restore the database or raise the bound.", maxBytes, name, lost.rows(),
                    java.time.Instant.ofEpochMilli(lost.windowEnd()));
        }
    }

    /** Pending segment names, oldest first. */
    public synchronized List<String> pendingNames() {
        return new ArrayList<>(pending.keySet());
    }

    /** Reads a pending segment and marks it as being sent (so a full spool does not drop it meanwhile). */
    public synchronized Optional<Segment> take(String name) {
        if (!pending.containsKey(name)) {
            return Optional.empty();
        }
        inFlight.add(name);
        return Optional.of(read(dir.resolve(name)));
    }

    public synchronized void release(List<String> names) {
        inFlight.removeAll(names);
    }

    /** The database has these segments: move them to acked/ (kept for inspection and replay), pruning old ones. */
    public synchronized void acknowledge(List<String> names) throws IOException {
        for (String name : names) {
            inFlight.remove(name);
            Long size = pending.remove(name);
            if (size == null) {
                continue;
            }
            bytes -= size;
            try {
                Files.move(dir.resolve(name), acked.resolve(name), StandardCopyOption.REPLACE_EXISTING);
            } catch (NoSuchFileException e) {
                // already gone
            }
        }
        AtomicFiles.syncDirectory(dir);
        pruneAcked();
    }

    /** A segment PostgreSQL refuses for its content (not for being unreachable): set aside, never retried. */
    public synchronized void reject(String name) throws IOException {
        inFlight.remove(name);
        Long size = pending.remove(name);
        if (size != null) {
            bytes -= size;
            Files.move(dir.resolve(name), rejected.resolve(name), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The newest committed snapshot still waiting to be sent, if any. */
    public synchronized Optional<Snapshot> newestPendingSnapshot() {
        String name = newestPodsName();
        return name == null ? Optional.empty() : Optional.ofNullable(read(dir.resolve(name)).snapshot());
    }

    private String newestPodsName() {
        for (String name : pending.descendingKeySet()) {
            if (name.contains("-" + Segment.PODS)) {
                return name;
            }
        }
        return null;
    }

    private void pruneAcked() throws IOException {
        TreeMap<String, Path> all = new TreeMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(acked, "*.json")) {
            files.forEach(f -> all.put(f.getFileName().toString(), f));
        }
        while (all.size() > keepAcked) {
            Map.Entry<String, Path> oldest = all.pollFirstEntry();
            Files.deleteIfExists(oldest.getValue());
        }
    }

    public Path ackedDir() {
        return acked;
    }

    public synchronized long bytes() {
        return bytes;
    }

    public synchronized int segments() {
        return pending.size();
    }

    /** Age of the oldest unsent sample window, by its end; 0 when nothing waits. */
    public synchronized double oldestAgeSeconds() {
        if (pending.isEmpty()) {
            return 0;
        }
        long windowEnd = Long.parseLong(pending.firstKey().substring(0, 13));
        return Math.max(0, (clock.millis() - windowEnd) / 1000.0);
    }

    static Segment read(Path file) {
        try {
            return JSON.readValue(file.toFile(), Segment.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read spool segment " + file, e);
        }
    }
}
