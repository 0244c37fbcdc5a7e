package io.berth.agent.sample;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import io.berth.agent.AgentConfig;
import io.berth.agent.Windows;
import io.berth.agent.cgroup.CgroupLayout;
import io.berth.agent.cgroup.CgroupReader;
import io.berth.agent.cgroup.CgroupUsage;
import io.berth.agent.cgroup.PodCgroup;
import io.berth.agent.edge.EdgeMeter;
import io.berth.agent.net.NetMeter;
import io.berth.agent.net.Slots;
import io.berth.agent.net.TrafficCounters;
import io.berth.agent.pods.NodePods;
import io.berth.agent.pods.PodInfo;
import io.berth.agent.pods.PodResources;
import io.berth.agent.sink.Flusher;
import io.berth.agent.sink.PodCounters;
import io.berth.agent.sink.PodSample;
import io.berth.agent.sink.Segment;
import io.berth.agent.sink.Snapshot;
import io.berth.agent.sink.Spool;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * The agent's clock: reads every pod's cgroup each read interval, and at each window boundary turns the counters'
 * movement since the last committed snapshot into rows, commits them with the new snapshot to the spool, and only then
 * adopts that snapshot. A crash before the commit leaves the old snapshot in force (the usage goes into a later
 * window); a crash after it finds the new one in the spool. Either way no usage is lost and none is counted twice.
 */
public final class Sampler implements Runnable {

    private static final Logger LOG = Logger.getLogger(Sampler.class);

    /** Told about reads and window closes: the cluster collector runs on the same clock. */
    public interface WindowListener {
        void read(long now);

        void windowClosed(long windowStart, long windowEnd);
    }

    private final String node;
    private final long intervalMs;
    private final long readMs;
    private final long attachMs;
    private final int maxBackfillWindows;
    private final NodePods pods;
    private final CgroupLayout layout;
    private final CgroupReader reader = new CgroupReader();
    private final NetMeter net;
    private final EdgeMeter edge;
    private final Spool spool;
    private final Flusher flusher;
    private final Clock clock;
    private final List<WindowListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, PodTrack> tracks = new HashMap<>();
    private final Counter windowsClosed;
    private final Counter backfilled;
    private final Timer closeTime;
    private final MeterRegistry registry;
    private Snapshot committed;
    /** When edge metering began on this node: a snapshot from before it existed starts it now. */
    private final long edgeSince;
    private volatile long heartbeat;
    private volatile long lastWindowEnd;
    private volatile boolean running = true;
    private boolean waitingForSyncLogged;

    public Sampler(AgentConfig config, NodePods pods, CgroupLayout layout, NetMeter net, EdgeMeter edge, Spool spool,
            Flusher flusher, Snapshot recovered, Clock clock, MeterRegistry registry) {
        this.node = config.nodeName();
        this.intervalMs = config.interval().toMillis();
        this.readMs = Math.min(config.readInterval().toMillis(), intervalMs);
        this.attachMs = Math.min(config.net().attachInterval().toMillis(), readMs);
        this.maxBackfillWindows = (int) Math.max(1, config.maxBackfill().toMillis() / intervalMs);
        this.pods = pods;
        this.layout = layout;
        this.net = net;
        this.edge = edge;
        this.spool = spool;
        this.flusher = flusher;
        this.committed = recovered;
        this.edgeSince = recovered.edgeSince() != 0 ? recovered.edgeSince() : clock.millis();
        this.lastWindowEnd = recovered.windowEnd();
        this.clock = clock;
        this.registry = registry;
        this.heartbeat = clock.millis();
        this.windowsClosed = Counter.builder("berth.agent.windows.closed").register(registry);
        this.backfilled = Counter.builder("berth.agent.windows.backfilled")
                .description("Windows missed while the agent was down, filled from the counters' movement")
                .register(registry);
        this.closeTime = Timer.builder("berth.agent.window.close")
                .description("Time to read, build and commit a window")
                .register(registry);
        registry.gauge("berth.agent.pods", tracks, t -> t.size());
    }

    public void addListener(WindowListener listener) {
        listeners.add(listener);
    }

    public long heartbeat() {
        return heartbeat;
    }

    public long lastWindowEnd() {
        return lastWindowEnd;
    }

    public void stop() {
        running = false;
    }

    @Override
    public void run() {
        long now = clock.millis();
        long nextBoundary = Windows.nextBoundary(Instant.ofEpochMilli(now), java.time.Duration.ofMillis(intervalMs))
                .toEpochMilli();
        long nextRead = now;
        long nextAttach = now;
        while (running) {
            now = clock.millis();
            heartbeat = now;
            try {
                if (now >= nextBoundary) {
                    // After an overlong pause (a stall, a suspended VM) close at the latest boundary: the gap logic
                    // spreads what was missed.
                    long boundary = now - Math.floorMod(now, intervalMs);
                    closeWindow(boundary);
                    nextBoundary = boundary + intervalMs;
                    nextRead = clock.millis() + readMs;
                } else if (now >= nextRead) {
                    readAll(now);
                    nextRead = now + readMs;
                } else if (net != null && now >= nextAttach) {
                    attachNew(now);
                    nextAttach = now + attachMs;
                }
            } catch (RuntimeException e) {
                LOG.errorf(e, "sampling failed; retrying at the next tick");
            }
            long sleep = Math.min(Math.min(nextBoundary, nextRead), net != null ? nextAttach : Long.MAX_VALUE)
                    - clock.millis();
            if (sleep > 0) {
                try {
                    Thread.sleep(sleep);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** Reads every pod's cgroup, notices new and deleted pods, and has the traffic meter attach new ones. */
    void readAll(long now) {
        if (!pods.synced()) {
            if (!waitingForSyncLogged) {
                LOG.info("waiting for the first list of this node's pods before metering");
                waitingForSyncLogged = true;
            }
            return;
        }
        Map<String, PodInfo> current = pods.current();
        for (PodInfo info : current.values()) {
            PodTrack track = tracks.computeIfAbsent(info.uid(), uid -> new PodTrack(info));
            track.info = info;
        }
        List<NetMeter.PodView> views = new ArrayList<>();
        for (Map.Entry<String, PodTrack> e : tracks.entrySet()) {
            PodTrack track = e.getValue();
            if (!current.containsKey(e.getKey())) {
                track.gone = true;
                continue;
            }
            read(track, now);
            if (track.cgroup != null) {
                views.add(new NetMeter.PodView(track.info.uid(), track.info.namespace(), track.info.name(),
                        track.info.hostNetwork(), track.cgroup));
            }
        }
        if (net != null) {
            net.reconcile(views, now);
        }
        if (edge != null) {
            edge.read(current, edgeSince - maxBackfillWindows * intervalMs);
        }
        for (WindowListener l : listeners) {
            l.read(now);
        }
    }

    /**
     * Between reads: has the traffic meter attach pods it has not attached yet (new pods, as soon as their sandbox's
     * cgroup holds a process), so a pod's first packets are counted; attached pods cost nothing here.
     */
    void attachNew(long now) {
        if (!pods.synced()) {
            return;
        }
        List<NetMeter.PodView> views = new ArrayList<>();
        for (PodInfo info : pods.current().values()) {
            if (info.hostNetwork() || net.attached(info.uid())) {
                continue;
            }
            PodTrack track = tracks.get(info.uid());
            PodCgroup cgroup = track != null && track.cgroup != null
                    ? track.cgroup
                    : layout.find(info.uid(), info.qosClass()).orElse(null);
            if (cgroup != null) {
                views.add(new NetMeter.PodView(info.uid(), info.namespace(), info.name(), false, cgroup));
            }
        }
        if (!views.isEmpty()) {
            net.reconcile(views, now);
        }
    }

    private void read(PodTrack track, long now) {
        PodInfo info = track.info;
        if (track.cgroup == null) {
            track.cgroup = layout.find(info.uid(), info.qosClass()).orElse(null);
            if (track.cgroup == null) {
                return; // not started yet (or already finished): nothing runs, nothing to meter
            }
            track.vanishedLogged = false;
        }
        try {
            CgroupUsage usage = reader.read(track.cgroup);
            if (track.initialBase == null && !committed.pods().containsKey(info.uid())) {
                // New to the agent: metered from its start if it started after metering began on this node (or
                // shortly before, as pods do while a node boots), else from now: months of history of a pod that
                // ran before the agent was ever deployed are not one window's usage.
                boolean startedAfter = !info.created().isBefore(
                        Instant.ofEpochMilli(committed.meteringSince() - maxBackfillWindows * intervalMs));
                track.fromStart = startedAfter;
                track.initialBase = startedAfter
                        ? new PodCounters(info.namespace(), info.name(), info.resources(), 0, 0, 0, 0,
                                TrafficCounters.ZERO)
                        : new PodCounters(info.namespace(), info.name(), info.resources(), usage.cpuNanos(),
                                usage.ioReadBytes(), usage.ioWriteBytes(), 0, TrafficCounters.ZERO);
            }
            track.recordRead(usage);
        } catch (NoSuchFileException e) {
            track.cgroup = null;
            skipped(info, "its cgroup vanished while being read (" + e.getFile() + ")", "cgroup-vanished");
        } catch (IOException | RuntimeException e) {
            skipped(info, "reading its cgroup failed: " + e, "cgroup-unreadable");
        }
    }

    private void skipped(PodInfo info, String why, String reason) {
        Counter.builder("berth.agent.pod.read.skipped").tag("reason", reason).register(registry).increment();
        MDC.put("pod", info.namespace() + "/" + info.name());
        try {
            LOG.warnf("pod %s/%s uid=%s skipped this read: %s", info.namespace(), info.name(), info.uid(), why);
        } finally {
            MDC.remove("pod");
        }
    }

    /** Closes the window ending at {@code boundary} (and any missed before it). */
    void closeWindow(long boundary) {
        if (!pods.synced()) {
            LOG.infof("window ending %s not closed: this node's pods are not listed yet; its usage goes into the"
                    + " next window", Instant.ofEpochMilli(boundary));
            return;
        }
        if (committed.windowEnd() >= boundary) {
            return; // already committed (clock stepped back)
        }
        long started = System.nanoTime();
        long now = clock.millis();
        readAll(now);
        Map<String, NetMeter.SlotReading> traffic = Map.of();
        if (net != null) {
            try {
                traffic = net.read();
            } catch (RuntimeException e) {
                // The counters keep counting: what this window misses the next one gets.
                LOG.errorf("reading the traffic counters failed: %s", e.getMessage());
            }
        }
        long from = committed.windowEnd() > 0 ? committed.windowEnd() : boundary - intervalMs;
        List<PodSample> rows = new ArrayList<>();
        Map<String, PodCounters> next = new HashMap<>();
        Set<String> finalized = new HashSet<>();
        for (Map.Entry<String, PodTrack> e : tracks.entrySet()) {
            String uid = e.getKey();
            PodTrack track = e.getValue();
            PodCounters base = committed.pods().getOrDefault(uid, track.initialBase);
            NetMeter.SlotReading slot = traffic.get(uid);
            if (base == null && slot == null) {
                if (track.gone) {
                    finalized.add(uid);
                }
                continue; // never read: no cgroup yet, nothing to report
            }
            if (base == null) {
                base = new PodCounters(track.info.namespace(), track.info.name(), track.info.resources(), 0, 0, 0, 0,
                        TrafficCounters.ZERO);
            }
            PodCounters now2 = current(track, base, slot);
            Usage usage = movement(base, now2, slot);
            if (track.readThisWindow || !usage.isZero()) {
                long created = track.info.created().toEpochMilli() - Math.floorMod(track.info.created().toEpochMilli(),
                        intervalMs);
                // A pod new to the agent and metered from its start: its usage spreads from its first window.
                long podFrom = track.fromStart && !committed.pods().containsKey(uid)
                        ? created
                        : Math.max(from, created);
                List<long[]> windows = WindowRows.windows(Math.min(podFrom, boundary - intervalMs), boundary,
                        intervalMs, maxBackfillWindows);
                rows.addAll(WindowRows.rows(uid, node, track.info.namespace(), track.info.name(),
                        track.info.resources(), usage, track.memoryAverage(), track.memoryMax, windows));
            }
            if (track.gone) {
                finalized.add(uid);
            } else {
                next.put(uid, now2);
            }
        }
        // Pods the snapshot or the slot table knows but the node no longer has: deleted while the agent was down.
        // Their traffic counters survived in the kernel; their last row goes into the first window missed.
        Set<String> orphans = new HashSet<>(committed.pods().keySet());
        if (net != null) {
            orphans.addAll(net.slotTable().keySet());
        }
        orphans.removeAll(tracks.keySet());
        for (String uid : orphans) {
            PodCounters base = committed.pods().get(uid);
            NetMeter.SlotReading slot = traffic.get(uid);
            if (base == null) {
                Slots.Entry entry = slot == null ? null : slot.entry();
                if (entry == null || entry.allocatedAtMillis() < committed.windowEnd()) {
                    // A slot older than the snapshot that does not name its pod: the pod's last row is already
                    // committed and only giving up the slot was left undone.
                    finalized.add(uid);
                    continue;
                }
                base = new PodCounters(entry.namespace(), entry.name(), PodResources.NONE, 0, 0, 0, 0,
                        TrafficCounters.ZERO);
            }
            Usage usage = movement(base, new PodCounters(base.namespace(), base.name(), base.resources(),
                    base.cpuNanos(), base.ioReadBytes(), base.ioWriteBytes(), slot == null
                            ? base.slot()
                            : slot.entry().slot(),
                    slot == null ? base.net() : slot.counters()), slot);
            if (!usage.isZero()) {
                rows.addAll(WindowRows.rows(uid, node, base.namespace(), base.name(), base.resources(), usage, 0, 0,
                        List.of(new long[]{from, from + intervalMs})));
            }
            finalized.add(uid);
            LOG.infof("pod %s/%s uid=%s was deleted while the agent was away; its last traffic is in the window"
                    + " starting %s", base.namespace(), base.name(), uid, Instant.ofEpochMilli(from));
        }
        // Edge rows and the gateway counters they end at go into the same commit; until the workspace namespaces are
        // listed the old counters stay in force and the bytes go into a later window.
        Optional<EdgeMeter.Window> edgeWindow = edge == null
                ? Optional.empty()
                : edge.close(from, boundary, intervalMs, maxBackfillWindows);
        Snapshot snapshot = new Snapshot(boundary, committed.meteringSince(), next,
                edgeWindow.map(EdgeMeter.Window::next).orElse(committed.edge() == null ? Map.of() : committed.edge()),
                edgeSince);
        Segment segment = new Segment(1, Segment.PODS, boundary, rows, List.of(),
                edgeWindow.map(EdgeMeter.Window::rows).orElse(List.of()), snapshot);
        try {
            spool.commit(segment);
        } catch (IOException | RuntimeException e) {
            LOG.errorf(e, "committing the window ending %s to the spool failed; its usage goes into the next window",
                    Instant.ofEpochMilli(boundary));
            return;
        }
        long windows = (boundary - from) / intervalMs;
        if (windows > 1) {
            backfilled.increment(Math.min(windows, maxBackfillWindows) - 1);
            LOG.infof("closed %d windows at once (the agent was away since %s): usage spread over them", windows,
                    Instant.ofEpochMilli(from));
        }
        committed = snapshot;
        lastWindowEnd = boundary;
        if (edgeWindow.isPresent()) {
            edge.committed();
        }
        flusher.wake();
        for (Iterator<Map.Entry<String, PodTrack>> it = tracks.entrySet().iterator(); it.hasNext();) {
            Map.Entry<String, PodTrack> e = it.next();
            if (finalized.contains(e.getKey())) {
                it.remove();
            } else {
                e.getValue().resetWindow();
                e.getValue().initialBase = null;
            }
        }
        if (net != null && !finalized.isEmpty()) {
            net.release(finalized);
        }
        windowsClosed.increment();
        closeTime.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
        LOG.debugf("window ending %s: %d rows, %d pods", Instant.ofEpochMilli(boundary), rows.size(), next.size());
        for (WindowListener l : listeners) {
            try {
                l.windowClosed(boundary - intervalMs, boundary);
            } catch (RuntimeException ex) {
                LOG.errorf(ex, "window listener failed");
            }
        }
    }

    /** The pod's counters now: the latest cgroup read, and the traffic slot's reading (if it has one). */
    private static PodCounters current(PodTrack track, PodCounters base, NetMeter.SlotReading slot) {
        CgroupUsage c = track.latest;
        return new PodCounters(track.info.namespace(), track.info.name(), track.info.resources(),
                c == null ? base.cpuNanos() : c.cpuNanos(), c == null ? base.ioReadBytes() : c.ioReadBytes(),
                c == null ? base.ioWriteBytes() : c.ioWriteBytes(), slot == null ? base.slot() : slot.entry().slot(),
                slot == null ? base.net() : slot.counters());
    }

    /**
     * Usage between two counter readings. A counter that went down was reset (a re-created cgroup) and counts from 0.
     * Traffic is measured from the snapshot if it names the same slot, else from the slot's baseline (a new slot).
     */
    static Usage movement(PodCounters base, PodCounters now, NetMeter.SlotReading slot) {
        long cpuUsec = now.cpuNanos() >= base.cpuNanos()
                ? now.cpuNanos() / 1000 - base.cpuNanos() / 1000
                : now.cpuNanos() / 1000;
        long ioRead = now.ioReadBytes() >= base.ioReadBytes()
                ? now.ioReadBytes() - base.ioReadBytes()
                : now.ioReadBytes();
        long ioWrite = now.ioWriteBytes() >= base.ioWriteBytes()
                ? now.ioWriteBytes() - base.ioWriteBytes()
                : now.ioWriteBytes();
        TrafficCounters netBase = base.net();
        if (slot != null && base.slot() != slot.entry().slot()) {
            netBase = slot.entry().baselineCounters();
        }
        TrafficCounters traffic = slot == null ? TrafficCounters.ZERO : now.net().since(netBase);
        return new Usage(cpuUsec, ioRead, ioWrite, traffic);
    }
}
