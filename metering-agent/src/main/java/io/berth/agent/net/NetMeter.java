package io.berth.agent.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.berth.agent.AgentConfig;
import io.berth.agent.StartupException;
import io.berth.agent.cgroup.PodCgroup;
import io.berth.agent.cgroup.PodProcesses;
import io.berth.agent.os.Exec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Traffic metering: sets up the kernel side at start, gives each pod a slot and attaches the programs in its network
 * namespace (on a thread of its own, so slow tc calls never delay a window), and reads every pod's counters at once.
 */
public final class NetMeter {

    private static final Logger LOG = Logger.getLogger(NetMeter.class);
    private static final long MAX_BACKOFF_MS = 300_000;

    /** What the meter needs to know of a pod. */
    public record PodView(String uid, String namespace, String name, boolean hostNetwork, PodCgroup cgroup) {
    }

    private static final class AttachState {
        volatile long pid;
        volatile String netns;
        volatile boolean attached;
        volatile boolean queued;
        volatile long nextAttemptMillis;
        volatile int failures;
    }

    private final AgentConfig.Net config;
    private final Exec exec;
    private final Path stateDir;
    private final PodProcesses processes;
    private final Slots slots;
    private final Map<String, AttachState> states = new ConcurrentHashMap<>();
    private final ExecutorService attachThread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "berth-attacher");
        t.setDaemon(true);
        return t;
    });
    private final Counter attaches;
    private final MeterRegistry registry;
    private Tools tools;
    private Bpf bpf;
    private PodAttacher attacher;

    public NetMeter(AgentConfig.Net config, Exec exec, Path stateDir, PodProcesses processes, MeterRegistry registry) {
        this.config = config;
        this.exec = exec;
        this.stateDir = stateDir;
        this.processes = processes;
        this.registry = registry;
        this.slots = new Slots(stateDir.resolve("slots.json"));
        this.attaches = Counter.builder("berth.agent.attaches").description("Filters attached to pod interfaces")
                .register(registry);
        registry.gauge("berth.agent.pods.attached", states, s -> s.values().stream().filter(a -> a.attached).count());
    }

    /** Everything the kernel side needs, checked in the order that gives the clearest message. */
    public void start(ClassTable table) {
        Path btf = Path.of(config.kernelBtf());
        if (!Files.isReadable(btf)) {
            throw new StartupException("berth.agent.net.kernel-btf", btf + " not found: this kernel exposes no BTF"
                    + " (CONFIG_DEBUG_INFO_BTF). Traffic metering needs a kernel with BTF; run on such a node, or set"
                    + " berth.agent.net.enabled=false to meter without traffic");
        }
        tools = Tools.resolve(config);
        if (config.maxPods() < 1 || config.maxPods() > 0x3fff) {
            throw new StartupException("berth.agent.net.max-pods", config.maxPods() + " is out of range 1..16383");
        }
        ensureBpffs(Path.of(config.bpffs()));
        Path pin = Path.of(config.pinPath());
        if (!pin.toAbsolutePath().startsWith(Path.of(config.bpffs()).toAbsolutePath())) {
            throw new StartupException("berth.agent.net.pin-path",
                    pin + " is not under the BPF filesystem " + config.bpffs() + " (berth.agent.net.bpffs)");
        }
        bpf = new Bpf(exec, tools.bpftool(), pin);
        bpf.ensureMaps(config.maxPods());
        byte[] object = programObject();
        String build = HexFormat.of().formatHex(sha256(object)).substring(0, 12);
        Path objectFile = stateDir.resolve("bpf/berth_meter-" + build + ".o");
        try {
            Files.createDirectories(objectFile.getParent());
            Files.write(objectFile, object);
        } catch (IOException e) {
            throw new StartupException("berth.agent.state-dir", "cannot write " + objectFile + ": " + e.getMessage());
        }
        Path programs = bpf.loadPrograms(objectFile, build);
        bpf.syncCidrs(table);
        attacher = new PodAttacher(exec, tools, config.podInterface(), config.tcPriority(), programs);
        Exec.Result probe = attacher.probe();
        if (!probe.ok()) {
            throw new StartupException("berth.agent.net.tc", "tc cannot attach a BPF filter to a clsact qdisc on this"
                    + " kernel (probe in a throw-away network namespace failed: " + Bpf.tail(probe.message())
                    + "); the kernel needs CONFIG_NET_SCH_INGRESS and CONFIG_NET_CLS_BPF");
        }
        bpf.pruneOtherBuilds(build);
        slots.load();
        LOG.infof("traffic meter ready: programs %s, counters %s (%d pods), %d pods with slots from before",
                programs, bpf.countersPin(), bpf.maxSlots(), slots.all().size());
    }

    /**
     * Gives new pods a slot and (re-)attaches every pod whose filters are missing: new pods, pods whose network
     * namespace changed (sandbox re-created), and after an agent restart every pod once, with this build's programs.
     */
    public void reconcile(Collection<PodView> pods, long nowMillis) {
        List<PodView> needSlot = new ArrayList<>();
        for (PodView pod : pods) {
            if (pod.hostNetwork() || pod.cgroup() == null) {
                continue;
            }
            if (slots.get(pod.uid()).isEmpty()) {
                needSlot.add(pod);
            }
        }
        if (!needSlot.isEmpty()) {
            Map<Integer, TrafficCounters> current = bpf.readCounters();
            List<String> leftOut = slots.allocate(needSlot, bpf.maxSlots(), current, nowMillis);
            for (String uid : leftOut) {
                LOG.errorf("no free traffic slot for pod uid=%s: more than berth.agent.net.max-pods=%d pods;"
                        + " its traffic is not metered", uid, bpf.maxSlots());
            }
        }
        for (PodView pod : pods) {
            if (pod.hostNetwork() || pod.cgroup() == null) {
                continue;
            }
            Optional<Slots.Entry> slot = slots.get(pod.uid());
            if (slot.isEmpty()) {
                continue;
            }
            AttachState state = states.computeIfAbsent(pod.uid(), k -> new AttachState());
            if (state.queued || nowMillis < state.nextAttemptMillis) {
                continue;
            }
            if (state.attached && state.netns != null
                    && state.netns.equals(processes.netns(state.pid).orElse(null))) {
                continue;
            }
            state.queued = true;
            attachThread.execute(() -> attach(pod, slot.get().slot(), state));
        }
    }

    private void attach(PodView pod, int slot, AttachState state) {
        try {
            Optional<PodProcesses.NetnsHandle> handle = processes.find(pod.cgroup());
            if (handle.isEmpty()) {
                failed(pod, state, "no live process in its cgroup, so no network namespace to attach to");
                return;
            }
            if (state.attached && handle.get().netns().equals(state.netns)) {
                // Same namespace, another process of the pod: the filters are in place.
                state.pid = handle.get().pid();
                return;
            }
            attacher.attach(processes.nsPath(handle.get().pid()), slot);
            state.pid = handle.get().pid();
            state.netns = handle.get().netns();
            state.attached = true;
            state.failures = 0;
            attaches.increment();
            LOG.infof("traffic meter attached: pod %s/%s uid=%s slot=%d netns=%s", pod.namespace(), pod.name(),
                    pod.uid(), slot, handle.get().netns());
        } catch (PodAttacher.AttachException e) {
            failed(pod, state, e.getMessage());
            Counter.builder("berth.agent.attach.failures").tag("reason", e.reason().name().toLowerCase())
                    .register(registry).increment();
        } catch (RuntimeException e) {
            failed(pod, state, e.toString());
        } finally {
            state.queued = false;
        }
    }

    /** Whether the pod's filters are in place (as far as the last attach knows). */
    public boolean attached(String uid) {
        AttachState state = states.get(uid);
        return state != null && state.attached;
    }

    private void failed(PodView pod, AttachState state, String why) {
        state.attached = false;
        state.failures++;
        // A new pod's sandbox may not hold a process yet: look again soon, then less and less often.
        state.nextAttemptMillis = System.currentTimeMillis()
                + Math.min(MAX_BACKOFF_MS, 250L << Math.min(state.failures - 1, 16));
        // A pod whose processes exit while we look is normal (restart, deletion): skip it, say so, go on.
        LOG.warnf("pod %s/%s uid=%s skipped by the traffic meter (attempt %d): %s", pod.namespace(), pod.name(),
                pod.uid(), state.failures, why);
    }

    /** Every slotted pod's counters (monotonic, since the slot's creation) and its slot entry. */
    public Map<String, SlotReading> read() {
        Map<Integer, TrafficCounters> bySlot = bpf.readCounters();
        Map<String, SlotReading> out = new HashMap<>();
        slots.all().forEach((uid, entry) -> out.put(uid,
                new SlotReading(entry, bySlot.getOrDefault(entry.slot(), TrafficCounters.ZERO))));
        return out;
    }

    public record SlotReading(Slots.Entry entry, TrafficCounters counters) {
    }

    public Map<String, Slots.Entry> slotTable() {
        return slots.all();
    }

    /** Gives up the slots of pods whose last usage is committed; filters of a namespace that still lives go too. */
    public void release(Collection<String> uids) {
        for (String uid : uids) {
            AttachState state = states.remove(uid);
            if (state != null && state.attached && processes.netns(state.pid).isPresent()) {
                attacher.detach(processes.nsPath(state.pid));
            }
        }
        slots.release(uids);
    }

    public void stop() {
        attachThread.shutdownNow();
        try {
            attachThread.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void ensureBpffs(Path bpffs) {
        if (isBpffs(bpffs)) {
            return;
        }
        try {
            Files.createDirectories(bpffs);
        } catch (IOException e) {
            // mount reports the problem below
        }
        Exec.Result r = exec.run(List.of(tools.mount(), "-t", "bpf", "bpf", bpffs.toString()));
        if (!r.ok() || !isBpffs(bpffs)) {
            throw new StartupException("berth.agent.net.bpffs", bpffs + " is not a BPF filesystem and mounting one"
                    + " there failed (" + r.message() + "); mount the host's bpffs there (hostPath /sys/fs/bpf)");
        }
        LOG.infof("mounted a BPF filesystem at %s", bpffs);
    }

    private static boolean isBpffs(Path path) {
        try {
            String target = path.toAbsolutePath().normalize().toString();
            for (String line : Files.readAllLines(Path.of("/proc/self/mounts"))) {
                String[] f = line.split(" ");
                if (f.length > 2 && f[1].equals(target) && f[2].equals("bpf")) {
                    return true;
                }
            }
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    private static byte[] programObject() {
        try (InputStream in = NetMeter.class.getResourceAsStream("/bpf/berth_meter.o")) {
            if (in == null) {
                throw new IllegalStateException("bpf/berth_meter.o missing from the agent's jar: a broken build");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
