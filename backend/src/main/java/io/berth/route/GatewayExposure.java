package io.berth.route;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.berth.cluster.ClusterConfig;
import io.berth.cluster.ReconcileQueue;
import io.berth.cluster.ServerSideApply;
import io.berth.workspace.WorkspaceManifests;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Keeps each workspace's gateway policies ({@link GatewayPolicies}) in line with its routes and Services. A change
 * queues its namespace; a worker recomputes that namespace alone from the caches and writes only the difference
 * (server-side apply of a changed policy, deletion of a stale one), so a route goes live in milliseconds and an
 * unchanged namespace costs no API call. The policies carry the same field manager on every instance, so two backend
 * instances doing this at once write the same objects.
 */
@ApplicationScoped
public class GatewayExposure {

    private static final Logger LOG = Logger.getLogger(GatewayExposure.class);
    // Each write is one API round-trip; a burst of new routes (a benchmark making thousands) queues behind them.
    private static final int WORKERS = 4;

    private final KubernetesClient client;
    private final ServerSideApply applier;
    private final ClusterConfig config;
    private final RouteCaches caches;
    private final ReconcileQueue queue = new ReconcileQueue(Duration.ofMillis(200), Duration.ofSeconds(30),
            System::nanoTime);
    private final AtomicBoolean running = new AtomicBoolean();
    private ExecutorService workers;
    private ScheduledExecutorService timers;

    GatewayExposure(KubernetesClient client, ServerSideApply applier, ClusterConfig config, RouteCaches caches) {
        this.client = client;
        this.applier = applier;
        this.config = config;
        this.caches = caches;
    }

    void start(@Observes StartupEvent event) {
        if (!config.reconciler().enabled()) {
            return;
        }
        running.set(true);
        AtomicInteger threads = new AtomicInteger();
        workers = Executors.newFixedThreadPool(WORKERS, task -> {
            Thread t = new Thread(task, "berth-gateway-policies-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        timers = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread t = new Thread(task, "berth-gateway-policies-retry");
            t.setDaemon(true);
            return t;
        });
        for (int i = 0; i < WORKERS; i++) {
            workers.submit(this::work);
        }
        caches.onChange(queue::add);
    }

    void stop(@Observes ShutdownEvent event) {
        running.set(false);
        if (workers != null) {
            workers.shutdownNow();
            timers.shutdownNow();
        }
    }

    private void work() {
        while (running.get()) {
            String namespace;
            try {
                namespace = queue.take(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (namespace == null) {
                continue;
            }
            try {
                reconcile(namespace);
                queue.done(namespace);
            } catch (RuntimeException e) {
                Duration delay = queue.failed(namespace);
                LOG.warnf("gateway policies of %s failed (%s: %s); retrying in %s", namespace,
                        e.getClass().getSimpleName(), e.getMessage(), delay);
                timers.schedule(() -> queue.retry(namespace), delay.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    /** Makes one namespace's gateway policies what its routes and Services ask for; idempotent. */
    void reconcile(String namespace) {
        Namespace ns = caches.namespace(namespace);
        if (ns == null || ns.getMetadata().getDeletionTimestamp() != null) {
            // Not a workspace, or going away with everything in it.
            return;
        }
        String workspaceId = ns.getMetadata().getLabels().get(WorkspaceManifests.WORKSPACE_ID);
        List<NetworkPolicy> desired = GatewayPolicies.desired(namespace, workspaceId, caches.httpRoutes(namespace),
                caches.grpcRoutes(namespace), caches.ingresses(namespace), caches.services(namespace));
        Map<String, NetworkPolicy> existing = new HashMap<>();
        for (NetworkPolicy p : caches.gatewayPolicies(namespace)) {
            existing.put(p.getMetadata().getName(), p);
        }
        Set<String> wanted = new HashSet<>();
        for (NetworkPolicy want : desired) {
            wanted.add(want.getMetadata().getName());
            NetworkPolicy have = existing.get(want.getMetadata().getName());
            if (have == null || !upToDate(have, want)) {
                applier.apply(want);
            }
        }
        for (NetworkPolicy stale : existing.values()) {
            String name = stale.getMetadata().getName();
            if (!wanted.contains(name) && name.startsWith(GatewayPolicies.PREFIX)) {
                client.network().v1().networkPolicies().inNamespace(namespace).withName(name).delete();
            }
        }
    }

    private static boolean upToDate(NetworkPolicy have, NetworkPolicy want) {
        Map<String, String> labels = have.getMetadata().getLabels();
        return labels != null && labels.entrySet().containsAll(want.getMetadata().getLabels().entrySet())
                && want.getSpec().equals(have.getSpec());
    }
}
