package io.berth.agent.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.berth.agent.os.AtomicFiles;

/**
 * Which pod counts into which slot of the kernel's counter array, with the slot's counter values at the moment it was
 * given to the pod (its baseline). Written to disk before any filter uses a slot, so that after a crash the agent
 * still knows whose packets a slot has been counting.
 */
public final class Slots {

    public record Entry(int slot, String namespace, String name, long[] baseline, long allocatedAtMillis) {
        public TrafficCounters baselineCounters() {
            return TrafficCounters.ofArray(baseline);
        }
    }

    record File(Map<String, Entry> slots) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final Map<String, Entry> byUid = new HashMap<>();

    public Slots(Path file) {
        this.file = file;
    }

    public synchronized void load() {
        byUid.clear();
        if (Files.exists(file)) {
            try {
                File f = JSON.readValue(file.toFile(), File.class);
                if (f.slots() != null) {
                    byUid.putAll(f.slots());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            }
        }
    }

    public synchronized Optional<Entry> get(String uid) {
        return Optional.ofNullable(byUid.get(uid));
    }

    public synchronized Map<String, Entry> all() {
        return Map.copyOf(byUid);
    }

    /**
     * Gives each pod a free slot (1..max), baselined at the slot's current counters, and persists the table. Pods beyond
     * the free slots get none (returned list of those left out).
     */
    public synchronized List<String> allocate(Collection<NetMeter.PodView> pods, int max,
            Map<Integer, TrafficCounters> current, long nowMillis) {
        Map<String, Entry> next = new HashMap<>(byUid);
        BitSet used = new BitSet(max + 1);
        next.values().forEach(e -> used.set(e.slot()));
        List<String> leftOut = new ArrayList<>();
        int slot = 1;
        for (NetMeter.PodView pod : pods) {
            String uid = pod.uid();
            if (next.containsKey(uid)) {
                continue;
            }
            slot = used.nextClearBit(slot);
            if (slot > max) {
                leftOut.add(uid);
                continue;
            }
            used.set(slot);
            TrafficCounters base = current.getOrDefault(slot, TrafficCounters.ZERO);
            next.put(uid, new Entry(slot, pod.namespace(), pod.name(), base.toArray(), nowMillis));
        }
        // On disk first: a filter must never count into a slot the table on disk does not name.
        persist(next);
        byUid.clear();
        byUid.putAll(next);
        return leftOut;
    }

    public synchronized void release(Collection<String> uids) {
        Map<String, Entry> next = new HashMap<>(byUid);
        if (next.keySet().removeAll(uids)) {
            persist(next);
            byUid.keySet().removeAll(uids);
        }
    }

    private void persist(Map<String, Entry> table) {
        try {
            Files.createDirectories(file.getParent());
            AtomicFiles.write(file, JSON.writeValueAsBytes(new File(table)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
