package io.berth.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.berth.testing.Keycloak;
import io.berth.testing.Kubectl;
import io.berth.testing.RealStack;

/**
 * Workspace provisioning on the real control plane, through the real backend:
 * <ol>
 * <li>latency from the create-workspace call to a downloaded kubeconfig that can list pods in the new workspace
 * (sequential, p50/p99);</li>
 * <li>time to create N workspaces (concurrent calls, until all are ready), beside the time kubectl takes to apply the
 * same objects directly (client-side and server-side apply), measured in the same run.</li>
 * </ol>
 * The stack (with the backend) must run; see bench/workspaces.sh.
 */
public final class WorkspaceBench {

    public static void main(String[] args) throws Exception {
        int latencyRuns = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        int bulk = args.length > 1 ? Integer.parseInt(args[1]) : 1000;
        String base = RealStack.get("BERTH_URL");

        Keycloak.TestUser user = Keycloak.createUser("bench-" + Long.toString(System.currentTimeMillis(), 36));
        Http api = new Http(base, user.token());
        String accountId = api.get("/api/v1/me").json().get("id").asText();
        benchPlan(accountId);
        api.token(user.token());

        System.out.printf(Locale.ROOT, "# Berth workspace benchmark (%d sequential after %d warm-up, %d bulk)%n",
                latencyRuns, WARMUP, bulk);
        // Warm-up: the first calls load classes and fill caches on every side; they are not counted.
        for (int i = 0; i < WARMUP; i++) {
            createAndUse(api, "warmup-" + i);
        }
        List<Long> latencies = new ArrayList<>();
        long tokenAt = System.nanoTime();
        for (int i = 0; i < latencyRuns; i++) {
            if (System.nanoTime() - tokenAt > 200_000_000_000L) {
                api.token(user.token());
                tokenAt = System.nanoTime();
            }
            latencies.add(createAndUse(api, "latency-" + i));
        }
        Collections.sort(latencies);
        System.out.printf(Locale.ROOT,
                "create -> kubeconfig lists pods: p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms%n",
                ms(pct(latencies, 50)), ms(pct(latencies, 90)), ms(pct(latencies, 99)),
                ms(latencies.get(latencies.size() - 1)));

        api.token(user.token());
        String sampleNamespace = api.get("/api/v1/workspaces").json().get(1).get("namespace").asText();
        double berth = bulkCreate(api, bulk);
        System.out.printf(Locale.ROOT, "berth: %d workspaces ready in %.1f s (%.1f/s)%n", bulk, berth, bulk / berth);

        Path manifests = directManifests(sampleNamespace, bulk);
        Kubectl admin = Kubectl.withKubeconfig(Files.readString(Path.of(RealStack.get("ADMIN_KUBECONFIG"))));
        double clientSide = timeApply(admin, manifests, "direct-csa", false, bulk);
        double serverSide = timeApply(admin, manifests, "direct-ssa", true, bulk);
        System.out.printf(Locale.ROOT,
                "kubectl apply (client-side) of the same objects: %.1f s; ratio berth/kubectl %.2f%n",
                clientSide, berth / clientSide);
        System.out.printf(Locale.ROOT,
                "kubectl apply --server-side of the same objects: %.1f s; ratio berth/kubectl %.2f%n",
                serverSide, berth / serverSide);
    }

    /** A plan like the free one without the workspace limit, for the benchmark's account. */
    private static void benchPlan(String accountId) throws SQLException {
        try (Connection c = DriverManager.getConnection(RealStack.get("DATABASE_URL"), RealStack.get("DATABASE_USER"),
                RealStack.get("DATABASE_PASSWORD"))) {
            c.createStatement().execute("""
                    INSERT INTO plan SELECT 'bench', 'Benchmark', description, active, 100000,
                        cpu_request_millis, cpu_limit_millis, memory_request_bytes, memory_limit_bytes,
                        ephemeral_storage_bytes, storage_bytes, max_pods, max_services, max_secrets, max_configmaps,
                        max_pvcs, max_replication_controllers, max_nodeports, max_loadbalancers, storage_classes,
                        default_cpu_request_millis, default_cpu_limit_millis, default_memory_request_bytes,
                        default_memory_limit_bytes, now(), now()
                    FROM plan WHERE id = 'free' ON CONFLICT DO NOTHING""");
            try (PreparedStatement ps = c.prepareStatement("UPDATE account SET plan_id = 'bench' WHERE id = ?::uuid")) {
                ps.setString(1, accountId);
                ps.executeUpdate();
            }
        }
    }

    private static final KubeconfigProbe PROBE = new KubeconfigProbe();
    private static final int WARMUP = 10;

    /** One user journey: create, wait until ready, download a kubeconfig, list pods with it. */
    private static long createAndUse(Http api, String name) throws Exception {
        long start = System.nanoTime();
        Http.Response created = api.post("/api/v1/workspaces", "{\"displayName\":\"" + name + "\"}");
        if (created.status() != 201) {
            throw new IllegalStateException("create failed: " + created);
        }
        String id = created.json().get("id").asText();
        String namespace = awaitReady(api, id, 5);
        String kubeconfig = api.get("/api/v1/me/kubeconfig").body();
        int status = PROBE.listPods(kubeconfig, namespace);
        if (status != 200) {
            throw new IllegalStateException("listing pods with the new kubeconfig answered " + status);
        }
        return System.nanoTime() - start;
    }

    private static String awaitReady(Http api, String id, long pollMillis) {
        while (true) {
            var ws = api.get("/api/v1/workspaces/" + id).json();
            String status = ws.get("status").asText();
            if (status.equals("ready")) {
                return ws.get("namespace").asText();
            }
            if (status.equals("error")) {
                throw new IllegalStateException("workspace failed: " + ws);
            }
            sleep(pollMillis);
        }
    }

    private static double bulkCreate(Http api, int n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        long start = System.nanoTime();
        List<Future<String>> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = "bulk-" + i;
            ids.add(pool.submit(() -> {
                Http.Response r = api.post("/api/v1/workspaces", "{\"displayName\":\"" + name + "\"}");
                if (r.status() != 201) {
                    throw new IllegalStateException("create failed: " + r);
                }
                return r.json().get("id").asText();
            }));
        }
        List<Future<String>> ready = new ArrayList<>();
        for (Future<String> id : ids) {
            String workspaceId = id.get();
            ready.add(pool.submit(() -> awaitReady(api, workspaceId, 250)));
        }
        for (Future<String> r : ready) {
            r.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        return seconds;
    }

    /**
     * The objects Berth made for one workspace (namespace, quota, limit range, network policies, membership binding),
     * exported from the cluster and copied for n namespaces: what an operator would apply by hand.
     */
    private static Path directManifests(String namespace, int n) throws IOException {
        Kubectl admin = Kubectl.withKubeconfig(Files.readString(Path.of(RealStack.get("ADMIN_KUBECONFIG"))));
        String ns = admin.run("get", "namespace", namespace, "-o", "yaml").stdout();
        String objects = admin.run("-n", namespace, "get", "resourcequota,limitrange,networkpolicy,rolebinding", "-o",
                "yaml").stdout();
        String template = strip(ns) + "\n---\n" + strip(objects);
        Path dir = Files.createTempDirectory("berth-direct");
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < n; i++) {
            all.append(template.replace(namespace, "NSNAME-" + String.format(Locale.ROOT, "%05d", i)))
                    .append("\n---\n");
        }
        Files.writeString(dir.resolve("template.yaml"), all.toString());
        return dir.resolve("template.yaml");
    }

    /** Drops what the server adds (uid, resourceVersion, status, managedFields...) so the YAML applies anew. */
    private static String strip(String yaml) {
        StringBuilder out = new StringBuilder();
        boolean skipping = false;
        int skipIndent = 0;
        for (String line : yaml.split("\n")) {
            int indent = line.length() - line.stripLeading().length();
            String key = line.strip();
            if (skipping && indent > skipIndent) {
                continue;
            }
            skipping = false;
            if (key.startsWith("uid:") || key.startsWith("resourceVersion:") || key.startsWith("creationTimestamp:")
                    || key.startsWith("generation:") || key.startsWith("kubectl.kubernetes.io/last-applied")) {
                continue;
            }
            if (key.equals("managedFields:") || key.equals("status:") || key.equals("finalizers:")
                    || key.equals("spec:") && indent == 0) {
                skipping = true;
                skipIndent = indent;
                if (key.equals("spec:") && indent == 0) {
                    continue;
                }
                continue;
            }
            out.append(line).append('\n');
        }
        return out.toString();
    }

    /** Applying thousands of objects in one kubectl call takes minutes, not the default minute. */
    private static final java.time.Duration APPLY_TIMEOUT = java.time.Duration.ofMinutes(20);

    private static double timeApply(Kubectl admin, Path template, String prefix, boolean serverSide, int n)
            throws IOException {
        Path file = template.resolveSibling(prefix + ".yaml");
        Files.writeString(file, Files.readString(template).replace("NSNAME-", prefix + "-"));
        long start = System.nanoTime();
        Kubectl.Result r = serverSide
                ? admin.run(APPLY_TIMEOUT, null, "apply", "--server-side", "-f", file.toString())
                : admin.run(APPLY_TIMEOUT, null, "apply", "-f", file.toString());
        double seconds = (System.nanoTime() - start) / 1e9;
        if (!r.ok()) {
            throw new IllegalStateException("kubectl apply failed: " + r.stderr());
        }
        long namespaces = r.stdout().lines().filter(l -> l.startsWith("namespace/")).count();
        if (namespaces != n) {
            throw new IllegalStateException("kubectl applied " + namespaces + " namespaces, expected " + n);
        }
        return seconds;
    }

    private static long pct(List<Long> sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(i, sorted.size() - 1)));
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
