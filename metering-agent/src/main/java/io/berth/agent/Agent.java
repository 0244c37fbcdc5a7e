package io.berth.agent;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.berth.agent.cgroup.CgroupLayout;
import io.berth.agent.cgroup.PodProcesses;
import io.berth.agent.cluster.CollectorElection;
import io.berth.agent.cluster.ObjectCollector;
import io.berth.agent.edge.EdgeMeter;
import io.berth.agent.edge.WorkspaceNamespaces;
import io.berth.agent.net.ClassTable;
import io.berth.agent.net.NetMeter;
import io.berth.agent.os.Exec;
import io.berth.agent.pods.NodePods;
import io.berth.agent.sample.Sampler;
import io.berth.agent.sink.Flusher;
import io.berth.agent.sink.SampleWriter;
import io.berth.agent.sink.Snapshot;
import io.berth.agent.sink.Spool;
import io.berth.agent.sink.StateStore;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Wires the agent together at start, in an order that fails early and clearly: settings, cgroups, CIDRs, the kernel
 * side of traffic metering, then the local state, and only then the threads.
 */
@ApplicationScoped
public class Agent {

    private static final Logger LOG = Logger.getLogger(Agent.class);

    @Inject
    AgentConfig config;
    @Inject
    KubernetesClient client;
    @Inject
    DataSource dataSource;
    @Inject
    MeterRegistry registry;

    private FileChannel lockChannel;
    private FileLock lock;
    private NodePods pods;
    private NetMeter net;
    private WorkspaceNamespaces workspaceNamespaces;
    private Spool spool;
    private Sampler sampler;
    private Flusher flusher;
    private CollectorElection election;
    private ObjectCollector collector;
    private volatile boolean started;

    void onStart(@Observes StartupEvent event) {
        try {
            start();
        } catch (StartupException e) {
            LOG.errorf("metering agent cannot start: %s", e.getMessage());
            throw e;
        }
    }

    private void start() {
        StartupChecks.settings(config);
        CgroupLayout layout = CgroupLayout.detect(config.cgroup());
        ClassTable.from(config.net(), Optional.empty());
        Path stateDir = StartupChecks.stateDir(config);
        lockStateDir(stateDir);

        Optional<Node> node = Optional.empty();
        try {
            node = Optional.ofNullable(client.nodes().withName(config.nodeName()).get());
            if (node.isEmpty()) {
                LOG.warnf("node %s not found in the API; pod and node CIDRs come from the settings only",
                        config.nodeName());
            }
        } catch (RuntimeException e) {
            LOG.warnf("cannot read node %s (%s); pod and node CIDRs come from the settings only", config.nodeName(),
                    e.getMessage());
        }
        ClassTable table = ClassTable.from(config.net(), node);
        Exec exec = new Exec(registry, config.net().commandTimeout());
        PodProcesses processes = new PodProcesses(Path.of(config.procRoot()));
        if (config.net().enabled()) {
            net = new NetMeter(config.net(), exec, stateDir, processes, registry);
            net.start(table);
        } else {
            LOG.warn("traffic metering is off (berth.agent.net.enabled=false): samples carry no traffic");
        }

        Clock clock = Clock.systemUTC();
        spool = new Spool(stateDir.resolve("spool"), config.spool().maxSize().asLongValue(),
                config.spool().keepAcked(), clock, registry);
        StateStore state = new StateStore(stateDir);
        Snapshot recovered = state.recover(spool, clock.millis());
        flusher = new Flusher(spool, new SampleWriter(dataSource), state, config.sink().batchRows(),
                config.sink().maxRetryDelay(), registry);
        pods = new NodePods(client, config.nodeName());
        pods.start();
        EdgeMeter edge = null;
        if (config.edge().enabled()) {
            workspaceNamespaces = new WorkspaceNamespaces(client, config.edge().workspaceLabel(),
                    config.maxBackfill());
            workspaceNamespaces.start();
            edge = new EdgeMeter(config, workspaceNamespaces, recovered.edge(), registry);
        } else {
            LOG.warn(
                    "edge metering is off (berth.agent.edge.enabled=false): bytes through the gateway are not metered");
        }
        sampler = new Sampler(config, pods, layout, net, edge, spool, flusher, recovered, clock, registry);
        if (config.collector().enabled()) {
            collector = new ObjectCollector(client, spool, flusher);
            sampler.addListener(collector);
            election = new CollectorElection(client, config, collector);
            election.start();
        }
        thread("berth-flusher", flusher);
        thread("berth-sampler", sampler);
        started = true;
        LOG.infof("metering agent started: node=%s interval=%s cgroup=%s traffic=%s windows committed up to %s,"
                + " %d spooled segments", config.nodeName(), config.interval(), layout.version(),
                config.net().enabled(), recovered.windowEnd() == 0
                        ? "none yet"
                        : java.time.Instant.ofEpochMilli(recovered.windowEnd()),
                spool.segments());
    }

    /** Two agents on one state directory would both claim the same counters. */
    private void lockStateDir(Path stateDir) {
        try {
            lockChannel = FileChannel.open(stateDir.resolve("lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE);
            lock = lockChannel.tryLock();
        } catch (IOException e) {
            throw new StartupException("berth.agent.state-dir", "cannot lock " + stateDir + ": " + e.getMessage());
        }
        if (lock == null) {
            throw new StartupException("berth.agent.state-dir", "another agent is using " + stateDir);
        }
    }

    private static void thread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }

    void onStop(@Observes ShutdownEvent event) {
        // Nothing to flush: every committed window is on disk, and the kernel keeps counting.
        if (election != null) {
            election.stop();
        }
        if (sampler != null) {
            sampler.stop();
        }
        if (flusher != null) {
            flusher.stop();
        }
        if (pods != null) {
            pods.stop();
        }
        if (workspaceNamespaces != null) {
            workspaceNamespaces.stop();
        }
        if (net != null) {
            net.stop();
        }
        try {
            if (lock != null) {
                lock.release();
                lockChannel.close();
            }
        } catch (IOException e) {
            // the process is ending
        }
    }

    public boolean started() {
        return started;
    }

    /** The sampler's loop ran recently (it wakes at least every read interval). */
    public boolean samplerAlive() {
        return sampler != null && System.currentTimeMillis() - sampler.heartbeat() < Math.max(30_000,
                3 * config.readInterval().toMillis() + 20_000);
    }

    public boolean podsSynced() {
        return pods != null && pods.synced();
    }

    public long lastWindowEnd() {
        return sampler == null ? 0 : sampler.lastWindowEnd();
    }

    public int spoolSegments() {
        return spool == null ? 0 : spool.segments();
    }

    public long spoolBytes() {
        return spool == null ? 0 : spool.bytes();
    }

    public boolean collectorActive() {
        return collector != null && collector.active();
    }

    boolean awaitPods(long seconds) throws InterruptedException {
        return pods.awaitSynced(seconds, TimeUnit.SECONDS);
    }
}
