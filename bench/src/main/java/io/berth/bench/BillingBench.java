package io.berth.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

import io.berth.testing.Keycloak;
import io.berth.testing.RealStack;

/**
 * A billing run over N workspaces with one hour of samples each (one pod sampled every minute: 60 rows per
 * workspace), through the real backend's admin API, then the same hour again (a replay that must charge nothing).
 * The stack (with the backend) must run; see bench/billing.sh.
 */
public final class BillingBench {

    public static void main(String[] args) throws Exception {
        String base = RealStack.get("BERTH_URL");
        Http admin = new Http(base, Keycloak.demoAdminToken());
        admin.get("/api/v1/me");
        System.out.println("# Berth billing benchmark");
        OffsetDateTime hour = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.HOURS).minusHours(20);
        for (String arg : args.length > 0 ? args : new String[]{"10000", "100000"}) {
            int n = Integer.parseInt(arg);
            hour = hour.plusHours(1);
            double seed = seed(n, hour);
            admin.token(Keycloak.demoAdminToken());
            long start = System.nanoTime();
            Http.Response r = admin.post("/api/v1/admin/billing/rate?hour=" + hour, "");
            double first = (System.nanoTime() - start) / 1e9;
            if (r.status() != 200) {
                throw new IllegalStateException("rating failed: " + r);
            }
            start = System.nanoTime();
            Http.Response again = admin.post("/api/v1/admin/billing/rate?hour=" + hour, "");
            double replay = (System.nanoTime() - start) / 1e9;
            System.out.printf(Locale.ROOT, "%d workspaces, %d samples (seeded in %.1f s): rating %.2f s (%s); "
                    + "replay %.2f s (%s)%n", n, n * 60L, seed, first, r.body(), replay, again.body());
        }
    }

    /** N accounts, each owning one workspace with one pod sampled every minute of the hour. */
    private static double seed(int n, OffsetDateTime hour) throws Exception {
        long start = System.nanoTime();
        String tag = Long.toString(System.currentTimeMillis(), 36);
        try (Connection c = DriverManager.getConnection(RealStack.get("DATABASE_URL"), RealStack.get("DATABASE_USER"),
                RealStack.get("DATABASE_PASSWORD")); Statement st = c.createStatement()) {
            st.execute("CREATE TEMP TABLE b AS SELECT i, gen_random_uuid() AS a, gen_random_uuid() AS w, "
                    + "'bench-" + tag + "-' || i AS ns FROM generate_series(1, " + n + ") i");
            st.execute("INSERT INTO account (id, subject, username) SELECT a, 'bench-' || a, 'bench' || i FROM b");
            st.execute("INSERT INTO workspace (id, namespace, display_name, plan_id, created_by, status) "
                    + "SELECT w, ns, ns, 'free', a, 'ready' FROM b");
            st.execute("INSERT INTO workspace_member (workspace_id, account_id, role) SELECT w, a, 'owner' FROM b");
            st.execute("""
                    INSERT INTO pod_usage_sample (pod_uid, window_start, window_end, node, namespace, pod_name,
                        cpu_usage_usec, memory_avg_bytes, memory_max_bytes, cpu_request_millis, memory_request_bytes,
                        net_external_tx_bytes, net_external_rx_bytes, net_internal_tx_bytes, net_internal_rx_bytes)
                    SELECT md5(b.ns)::uuid, '%s'::timestamptz + make_interval(mins => m),
                           '%s'::timestamptz + make_interval(mins => m + 1), 'node-1', b.ns, 'pod',
                           (b.i %% 97) * 600000, 300000000 + b.i %% 1000, 400000000, 250, 268435456,
                           b.i * 1000, b.i * 10, 5000, 5000
                    FROM b, generate_series(0, 59) m""".formatted(hour, hour));
            st.execute("ANALYZE pod_usage_sample");
        }
        return (System.nanoTime() - start) / 1e9;
    }
}
