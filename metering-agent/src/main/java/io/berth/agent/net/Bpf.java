package io.berth.agent.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.berth.agent.StartupException;
import io.berth.agent.os.Exec;

/**
 * The pinned BPF objects, driven through bpftool: the counter array and the CIDR trie (pinned under the pin path so
 * they outlive the agent) and the programs (pinned per build, so an upgrade can swap them under running filters).
 *
 * <p>
 * Counter layout: index = slot; value per CPU = four {u64 bytes, u64 packets} at direction * 2 + class, direction 0 =
 * tx, 1 = rx, class 0 = external, 1 = internal.
 */
public final class Bpf {

    private static final Logger LOG = Logger.getLogger(Bpf.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String TX_PROGRAM = "berth_tx";
    static final String RX_PROGRAM = "berth_rx";
    /**
     * Maps of earlier builds that this one does not use; programs still attached keep their own reference until their
     * filters are replaced. "counters" held one entry per counter: the pod_counters that replace it start at zero, which
     * the agent takes as a counter reset (so only what the old programs count after the agent started is not metered).
     */
    private static final List<String> RETIRED_MAPS = List.of("maps/config", "maps/class_cache", "maps/counters");
    /** Bytes of one slot's counters: 4 × {u64 bytes, u64 packets}. */
    private static final int POD_COUNTERS_BYTES = 64;

    private final Exec exec;
    private final String bpftool;
    private final Path pinPath;
    private int maxSlots;

    public Bpf(Exec exec, String bpftool, Path pinPath) {
        this.exec = exec;
        this.bpftool = bpftool;
        this.pinPath = pinPath;
    }

    public Path countersPin() {
        return pinPath.resolve("maps/pod_counters");
    }

    public Path cidrs4Pin() {
        return pinPath.resolve("maps/cidrs4");
    }

    public Path cidrs6Pin() {
        return pinPath.resolve("maps/cidrs6");
    }

    Path prefixesPin(boolean ipv4) {
        return pinPath.resolve(ipv4 ? "maps/prefixes4" : "maps/prefixes6");
    }

    /** Highest usable slot (slot 0 is kept for the start-up probe). */
    public int maxSlots() {
        return maxSlots;
    }

    /** Creates the pinned maps, or checks the ones a previous run left (their counters are what survives). */
    public void ensureMaps(int maxPods) {
        mkdirs(pinPath.resolve("maps"));
        int entries = maxPods + 1;
        maxSlots = maxPods;
        if (Files.exists(countersPin())) {
            JsonNode info = show(countersPin());
            requireLayout(info, "percpu_array", 4, POD_COUNTERS_BYTES);
            int existing = info.path("max_entries").asInt();
            if (existing != entries) {
                maxSlots = existing - 1;
                LOG.warnf("berth.agent.net.max-pods=%d, but the pinned counter map %s holds %d pods; keeping it"
                        + " (its counters are unsent usage). Remove the pin while the node is drained to resize.",
                        maxPods, countersPin(), maxSlots);
            }
        } else {
            run("creating the counter map", bpftool, "map", "create", countersPin().toString(), "type",
                    "percpu_array", "key", "4", "value", Integer.toString(POD_COUNTERS_BYTES), "entries",
                    Integer.toString(entries), "name",
                    "berth_counters");
        }
        ensureTrie(cidrs4Pin(), 8, "berth_cidrs4");
        ensureTrie(cidrs6Pin(), 20, "berth_cidrs6");
        ensureMap(prefixesPin(true), "array", 4, 8, PrefixStates.ENTRIES, "berth_prefixes4");
        ensureMap(prefixesPin(false), "array", 4, 8, PrefixStates.ENTRIES, "berth_prefixes6");
        RETIRED_MAPS.stream().map(pinPath::resolve).filter(Files::exists).forEach(Bpf::deletePins);
    }

    private void ensureMap(Path pin, String type, int key, int value, int entries, String name) {
        if (Files.exists(pin)) {
            requireLayout(show(pin), type, key, value);
        } else {
            run("creating the map " + name, bpftool, "map", "create", pin.toString(), "type", type, "key",
                    Integer.toString(key), "value", Integer.toString(value), "entries", Integer.toString(entries),
                    "name", name);
        }
    }

    private void ensureTrie(Path pin, int keySize, String name) {
        if (Files.exists(pin)) {
            requireLayout(show(pin), "lpm_trie", keySize, 4);
        } else {
            // flags 1: BPF_F_NO_PREALLOC, which LPM tries require
            run("creating the CIDR map " + name, bpftool, "map", "create", pin.toString(), "type", "lpm_trie", "key",
                    Integer.toString(keySize), "value", "4", "entries", "1024", "name", name, "flags", "1");
        }
    }

    /** Loads both programs of {@code object} bound to the pinned maps, unless this build's are already pinned. */
    public Path loadPrograms(Path object, String build) {
        Path dir = pinPath.resolve("progs").resolve(build);
        if (Files.exists(dir.resolve(TX_PROGRAM)) && Files.exists(dir.resolve(RX_PROGRAM))) {
            return dir;
        }
        mkdirs(pinPath.resolve("progs"));
        if (Files.exists(dir)) {
            deletePins(dir);
        }
        Exec.Result r = exec.run(List.of(bpftool, "prog", "loadall", object.toString(), dir.toString(), "type",
                "classifier", "map", "name", "berth_counters", "pinned", countersPin().toString(), "map", "name",
                "berth_cidrs4", "pinned", cidrs4Pin().toString(), "map", "name", "berth_cidrs6", "pinned",
                cidrs6Pin().toString(), "map", "name", "berth_prefixes4", "pinned", prefixesPin(true).toString(), "map",
                "name", "berth_prefixes6", "pinned", prefixesPin(false).toString()));
        if (!r.ok()) {
            deletePins(dir);
            throw new StartupException("berth.agent.net.enabled", "the kernel refused the traffic meter program ("
                    + bpftool + " prog loadall: " + tail(r.message()) + "); set berth.agent.net.enabled=false to"
                    + " meter without traffic");
        }
        return dir;
    }

    /** Unpins programs of other builds; filters still using them keep them alive until they are replaced. */
    public void pruneOtherBuilds(String build) {
        Path progs = pinPath.resolve("progs");
        if (!Files.isDirectory(progs)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(progs)) {
            dirs.filter(d -> !d.getFileName().toString().equals(build)).forEach(Bpf::deletePins);
        } catch (IOException e) {
            LOG.warnf("cannot list %s: %s", progs, e.getMessage());
        }
    }

    /**
     * Makes the kernel classify by {@code table}, in an order that keeps every packet's class that of the old table or
     * the new one: CIDRs are added to the tries first, then the /16 states change, and only then are CIDRs removed (a
     * /16 is split only while the trie holds its CIDRs).
     */
    public void syncCidrs(ClassTable table) {
        List<String> additions = new ArrayList<>();
        List<String> removals = new ArrayList<>();
        List<String> states = new ArrayList<>();
        int wantedCount = 0;
        int[] split = new int[2];
        for (boolean ipv4 : new boolean[]{true, false}) {
            Path pin = ipv4 ? cidrs4Pin() : cidrs6Pin();
            Map<String, String> wanted = new HashMap<>();
            for (ClassTable.Entry e : table.entries()) {
                if (e.cidr().ipv4() == ipv4) {
                    wanted.put(e.cidr().lpmKeyHex(), e.internal() ? "01 00 00 00" : "00 00 00 00");
                }
            }
            Map<String, String> present = new HashMap<>();
            for (JsonNode entry : dump(pin)) {
                present.put(hexList(entry.path("key")), hexList(entry.path("value")));
            }
            wanted.forEach((key, value) -> {
                if (!value.equals(present.get(key))) {
                    additions.add("map update pinned " + pin + " key hex " + key + " value hex " + value);
                }
            });
            present.keySet().stream().filter(k -> !wanted.containsKey(k))
                    .forEach(key -> removals.add("map delete pinned " + pin + " key hex " + key));
            wantedCount += wanted.size();

            PrefixStates prefixes = PrefixStates.of(table, ipv4);
            split[ipv4 ? 0 : 1] = prefixes.splitCount();
            Path statesPin = prefixesPin(ipv4);
            for (JsonNode entry : dump(statesPin)) {
                int index = (int) littleEndian(entry.path("key"), 0, 4);
                long wantedStates = prefixes.entry(index);
                if (littleEndian(entry.path("value"), 0, 8) != wantedStates) {
                    states.add("map update pinned " + statesPin + " key " + le(index, 4) + " value "
                            + le(wantedStates, 8));
                }
            }
        }
        List<String> batch = new ArrayList<>(additions);
        batch.addAll(states);
        batch.addAll(removals);
        if (!batch.isEmpty()) {
            Exec.Result r = exec.run(List.of(bpftool, "batch", "file", "-"), String.join("\n", batch) + "\n");
            if (!r.ok()) {
                throw new StartupException("berth.agent.net.internal-cidrs",
                        "loading the CIDRs into the kernel failed: " + tail(r.message()));
            }
        }
        LOG.infof("internal CIDRs in the kernel: %d entries (%d changed); split /16s (looked up in the trie): %d IPv4,"
                + " %d IPv6", wantedCount, additions.size() + removals.size(), split[0], split[1]);
    }

    /** {@code value} as bpftool's decimal byte list, little-endian. */
    private static String le(long value, int bytes) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < bytes; i++) {
            parts.add(Long.toString(value >>> (8 * i) & 0xff));
        }
        return String.join(" ", parts);
    }

    /** Every slot's counters, summed over CPUs. One bpftool call reads the whole array. */
    public Map<Integer, TrafficCounters> readCounters() {
        return parseCounters(dump(countersPin()));
    }

    /** Sums a {@code bpftool -j map dump} of the counter array into per-slot counters (slots with traffic only). */
    static Map<Integer, TrafficCounters> parseCounters(JsonNode dump) {
        // counter k = direction * 2 + class: 0 tx external, 1 tx internal, 2 rx external, 3 rx internal; field order
        // as in TrafficCounters
        int[] byteField = {2, 0, 3, 1};
        Map<Integer, TrafficCounters> out = new HashMap<>();
        for (JsonNode entry : dump) {
            long[] a = new long[8];
            for (JsonNode cpu : entry.path("values")) {
                JsonNode v = cpu.path("value");
                for (int k = 0; k < 4; k++) {
                    a[byteField[k]] += littleEndian(v, k * 16, 8);
                    a[byteField[k] + 4] += littleEndian(v, k * 16 + 8, 8);
                }
            }
            if (Arrays.stream(a).anyMatch(x -> x != 0)) {
                out.put((int) littleEndian(entry.path("key"), 0, 4), TrafficCounters.ofArray(a));
            }
        }
        return out;
    }

    private JsonNode show(Path pin) {
        Exec.Result r = exec.run(List.of(bpftool, "-j", "map", "show", "pinned", pin.toString()));
        if (!r.ok()) {
            throw new StartupException("berth.agent.net.pin-path", "cannot read the pinned map " + pin + ": "
                    + tail(r.message()));
        }
        return parse(r.stdout());
    }

    private JsonNode dump(Path pin) {
        Exec.Result r = exec.run(List.of(bpftool, "-j", "map", "dump", "pinned", pin.toString()));
        if (!r.ok()) {
            throw new IllegalStateException(bpftool + " map dump " + pin + " failed: " + tail(r.message()));
        }
        return parse(r.stdout());
    }

    private void requireLayout(JsonNode info, String type, int key, int value) {
        if (!type.equals(info.path("type").asText()) || info.path("bytes_key").asInt() != key
                || info.path("bytes_value").asInt() != value) {
            throw new StartupException("berth.agent.net.pin-path", "the map pinned at " + pinPath + " is a "
                    + info.path("type").asText() + " with " + info.path("bytes_key").asInt() + "-byte keys and "
                    + info.path("bytes_value").asInt() + "-byte values, not the agent's " + type
                    + "; another program owns that path: choose another pin path");
        }
    }

    private void run(String what, String... command) {
        Exec.Result r = exec.run(List.of(command));
        if (!r.ok()) {
            throw new StartupException("berth.agent.net.pin-path", what + " failed: " + tail(r.message()));
        }
    }

    static long littleEndian(JsonNode hexBytes, int offset, int length) {
        long v = 0;
        for (int i = length - 1; i >= 0; i--) {
            String h = hexBytes.get(offset + i).asText();
            v = (v << 8) | Integer.parseInt(h.startsWith("0x") ? h.substring(2) : h, 16);
        }
        return v;
    }

    private static String hexList(JsonNode hexBytes) {
        List<String> parts = new ArrayList<>();
        for (JsonNode b : hexBytes) {
            String h = b.asText();
            parts.add(h.startsWith("0x") ? h.substring(2) : h);
        }
        return String.join(" ", parts);
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException("bpftool printed no JSON", e);
        }
    }

    static String tail(String message) {
        // Verifier logs are long; the reason is at the end.
        return message.length() <= 2000 ? message : "..." + message.substring(message.length() - 2000);
    }

    private static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new StartupException("berth.agent.net.pin-path", "cannot create " + dir + ": " + e.getMessage());
        }
    }

    private static void deletePins(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.warnf("cannot unpin %s: %s", p, e.getMessage());
                }
            });
        } catch (IOException e) {
            LOG.warnf("cannot unpin %s: %s", dir, e.getMessage());
        }
    }
}
