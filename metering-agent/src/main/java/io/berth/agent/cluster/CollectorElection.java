package io.berth.agent.cluster;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.jboss.logging.Logger;

import io.berth.agent.AgentConfig;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;

/**
 * Elects one agent of the cluster as the collector, with a Lease in the agent's namespace. Every agent takes part; the
 * holder runs the {@link ObjectCollector}, and whoever loses the lease stops at once and campaigns again.
 */
public final class CollectorElection {

    private static final Logger LOG = Logger.getLogger(CollectorElection.class);

    private final KubernetesClient client;
    private final AgentConfig config;
    private final ObjectCollector collector;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "berth-election");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean running = true;
    private volatile CompletableFuture<?> current;

    public CollectorElection(KubernetesClient client, AgentConfig config, ObjectCollector collector) {
        this.client = client;
        this.config = config;
        this.collector = collector;
    }

    public void start() {
        campaign();
    }

    private void campaign() {
        if (!running) {
            return;
        }
        AgentConfig.Collector c = config.collector();
        String identity = config.nodeName();
        var election = new LeaderElectionConfigBuilder().withName(c.leaseName())
                .withLock(new LeaseLock(config.namespace(), c.leaseName(), identity))
                .withLeaseDuration(c.leaseDuration()).withRenewDeadline(c.renewDeadline())
                .withRetryPeriod(c.retryPeriod()).withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(collector::activate, collector::deactivate,
                        leader -> LOG.infof("cluster collector leader: %s", leader)))
                .build();
        current = client.leaderElector().withConfig(election).build().start();
        current.whenComplete((ok, error) -> {
            collector.deactivate();
            if (error != null && running) {
                LOG.warnf("leader election ended: %s; campaigning again", error.getMessage());
            }
            if (running) {
                thread.execute(this::campaign);
            }
        });
    }

    public void stop() {
        running = false;
        CompletableFuture<?> f = current;
        if (f != null) {
            f.cancel(true);
        }
        thread.shutdownNow();
    }
}
