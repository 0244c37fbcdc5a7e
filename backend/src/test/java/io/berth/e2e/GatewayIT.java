package io.berth.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.agroal.api.AgroalDataSource;
import io.berth.Tenant;
import io.berth.billing.BillingRuns;
import io.berth.testing.DemoPods;
import io.berth.testing.Kubectl;
import io.berth.testing.Nodes;
import io.berth.testing.RealStack;
import io.berth.testing.RealStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A tenant's app on the internet (issue 15): a Deployment, a Service and an HTTPRoute on the workspace's Gateway make
 * the app reachable at {@code https://<app>.<namespace>.<apps domain>} through the real shared gateway (Traefik on the
 * real node, at the node's address), with the workspace's certificate from the apps CA; the hosts another tenant owns,
 * wildcards, the platform's hosts and domains nobody verified are refused at admission, on create and on update.
 * Clients are real curl processes on the host, naming the node's address for the host as DNS would.
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayIT {

    static final long DOWNLOAD = 16L << 20;

    @Inject
    AgroalDataSource ds;
    @Inject
    BillingRuns runs;

    String workspaceId;
    String ns;
    String otherNs;
    String domain;
    Kubectl kubectl;
    Kubectl otherKubectl;
    String host;

    @BeforeAll
    void aTenantPublishesAnApp() {
        Tenant tenant = Tenant.signUp("gw");
        Tenant other = Tenant.signUp("gw-other");
        workspaceId = tenant.personalWorkspaceId();
        ns = tenant.awaitReady(workspaceId).getString("namespace");
        otherNs = other.personalNamespace();
        kubectl = tenant.kubectl();
        otherKubectl = other.kubectl();
        domain = RealStack.get("APPS_DOMAIN");
        host = "shop." + ns + "." + domain;
        Kubectl.Result applied = kubectl.apply(DemoPods.webApp(1) + "---\n" + route("shop", host));
        assertThat(applied.ok()).as(applied.output()).isTrue();
        Kubectl.Result rolled = kubectl.run(Duration.ofSeconds(120), null, "rollout", "status", "deployment/web",
                "--timeout=100s");
        assertThat(rolled.ok()).as(rolled.output()).isTrue();
    }

    @Test
    void theAppIsServedOverHttpsOnItsWorkspacesHostWithTheAppsCertificate() {
        Curl ok = awaitStatus("https://" + host + "/healthz", 200, Duration.ofSeconds(60));
        assertThat(ok.body()).isEqualTo("ok\n");
        // Plain HTTP on port 80 reaches it too.
        assertThat(curl("http://" + host + "/healthz", RealStack.get("APPS_CA_FILE")).status()).isEqualTo(200);
        // The certificate is the apps CA's, not the cluster's: a client trusting only the cluster CA refuses it.
        Curl clusterCa = curl("https://" + host + "/healthz", RealStack.get("KUBE_CA_FILE"));
        assertThat(clusterCa.exit()).as(clusterCa.stderr()).isEqualTo(60);
        // A host of the workspace that no route names is not served (the gateway's 404), nor another tenant's.
        assertThat(curl("https://nothing." + ns + "." + domain + "/healthz", RealStack.get("APPS_CA_FILE")).status())
                .isEqualTo(404);
    }

    @Test
    void anotherTenantsHostAWildcardThePortalsHostAndAnUnverifiedDomainAreRefused() {
        List<String> refused = new ArrayList<>();
        for (String[] attempt : new String[][]{{"steal", host}, {"wild", "*." + ns + "." + domain},
                {"portal", "localhost"}, {"console", "console.berth.localhost"}, {"apps", domain},
                {"custom", "shop.example.com"}}) {
            Kubectl.Result r = otherKubectl.apply(route(attempt[0], attempt[1]));
            assertThat(r.ok()).as("should have been refused: " + attempt[1] + ": " + r.output()).isFalse();
            assertThat(r.stderr()).contains("denied request: Berth: ").contains(attempt[1]);
            refused.add(attempt[0]);
        }
        for (String name : refused) {
            assertThat(otherKubectl.run("get", "httproute", name).ok()).isFalse();
        }
        // The owner's route still serves its own app.
        assertThat(awaitStatus("https://" + host + "/healthz", 200, Duration.ofSeconds(30)).body()).isEqualTo("ok\n");
    }

    @Test
    void anUpdateToAHostTheWorkspaceDoesNotOwnIsRefusedAndChangesNothing() {
        String own = "blog." + otherNs + "." + domain;
        Kubectl.Result created = otherKubectl.apply(route("blog", own));
        assertThat(created.ok()).as(created.output()).isTrue();
        Kubectl.Result patched = otherKubectl.run("patch", "httproute", "blog", "--type=json", "-p",
                "[{\"op\": \"replace\", \"path\": \"/spec/hostnames/0\", \"value\": \"" + host + "\"}]");
        assertThat(patched.ok()).as(patched.output()).isFalse();
        assertThat(patched.stderr()).contains("denied request: Berth: ").contains(host);
        assertThat(otherKubectl.run("get", "httproute", "blog", "-o", "jsonpath={.spec.hostnames[0]}").stdout())
                .isEqualTo(own);
    }

    /**
     * Edge metering: the bytes of a known download through the gateway are the workspace's external egress, from the
     * gateway's own counters, within 1 % (Traefik counts bodies); the same bytes between the gateway and the pod are
     * internal in the agent's counts of the pod (none external), so rating bills them once, as egress, for exactly what
     * the samples and the plan's price come to by hand, and rating the hour again charges nothing more.
     */
    @Test
    void aDownloadThroughTheGatewayIsExternalEgressOnceAndInternalBetweenGatewayAndPod() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(RealStack.withAgent(), "needs the agent's DaemonSet");
        awaitStatus("https://" + host + "/healthz", 200, Duration.ofSeconds(60));
        DemoPods.Pod web = new DemoPods(kubectl, ns).await(kubectl.run("get", "pods", "-l", "app=web", "-o",
                "jsonpath={.items[0].metadata.name}").stdout(), Duration.ofSeconds(30));
        String webUid = web.uid();
        String node = web.node();
        // A pod serves as soon as its container listens, which can be before the agent attached its filters.
        DemoPods.awaitMetered(web, Duration.ofSeconds(60));
        Instant start = Instant.now();
        Curl download = curl("https://" + host + "/bytes/" + DOWNLOAD, RealStack.get("APPS_CA_FILE"));
        assertThat(download.status()).as(download.stderr()).isEqualTo(200);
        assertThat(download.bytes()).isEqualTo(DOWNLOAD);
        Instant done = Instant.now();
        // Every node's agent writes a row for itself each window: once one ends after the download, it is in.
        Instant deadline = Instant.now().plus(Duration.ofSeconds(180));
        while (!(lastWindowEnd("pod_usage_sample", node).isAfter(done) && allGatewayNodesPast(done))) {
            assertThat(Instant.now()).as("every node's window past the download sent").isBefore(deadline);
            sleep();
        }
        long edgeOut = scalar("SELECT coalesce(sum(bytes_out), 0) FROM edge_usage_sample WHERE namespace = ?", ns);
        long edgeIn = scalar("SELECT coalesce(sum(bytes_in), 0) FROM edge_usage_sample WHERE namespace = ?", ns);
        long podExternal = scalar("SELECT coalesce(sum(net_external_tx_bytes + net_external_rx_bytes), 0)"
                + " FROM pod_usage_sample WHERE pod_uid = ?::uuid", webUid);
        long podInternalTx = scalar("SELECT coalesce(sum(net_internal_tx_bytes), 0) FROM pod_usage_sample"
                + " WHERE pod_uid = ?::uuid AND window_end > ?", webUid,
                OffsetDateTime.ofInstant(start, ZoneOffset.UTC));
        System.out.printf("[gateway] download %d, edge out %d in %d, pod internal tx %d, pod external %d%n", DOWNLOAD,
                edgeOut, edgeIn, podInternalTx, podExternal);
        assertThat((double) edgeOut).isCloseTo(DOWNLOAD, org.assertj.core.api.Assertions.within(DOWNLOAD * 0.01));
        assertThat(podExternal).as("gateway <-> pod traffic is internal").isZero();
        assertThat(podInternalTx).as("the pod sent the download to the gateway, inside the cluster")
                .isBetween(DOWNLOAD, DOWNLOAD + DOWNLOAD / 20);

        List<OffsetDateTime> hours = hours();
        for (OffsetDateTime hour : hours) {
            runs.rateHour(hour);
        }
        long price = scalar("SELECT p.price_external_egress_gib FROM workspace w JOIN plan p ON p.id = w.plan_id"
                + " WHERE w.namespace = ?", ns);
        long expected = 0;
        for (OffsetDateTime hour : hours) {
            long q = scalar("SELECT coalesce(sum(bytes_out), 0) FROM edge_usage_sample WHERE namespace = ?"
                    + " AND window_start >= ? AND window_start < ?", ns, hour, hour.plusHours(1));
            expected += new BigDecimal(BigInteger.valueOf(q).multiply(BigInteger.valueOf(price)))
                    .divide(BigDecimal.valueOf(1L << 30), 0, RoundingMode.HALF_UP).longValueExact();
        }
        assertThat(expected).as("16 MiB at the plan's egress price").isPositive();
        long[] egress = ratedLine("external_egress");
        assertThat(egress[0]).as("rated egress bytes: the edge's, and no pod's").isEqualTo(edgeOut);
        assertThat(egress[1]).isEqualTo(expected);
        long charged = charged();
        for (OffsetDateTime hour : hours) {
            runs.rateHour(hour);
        }
        assertThat(ratedLine("external_egress")).containsExactly(egress);
        assertThat(charged()).as("rating again charges nothing").isEqualTo(charged);
    }

    private boolean allGatewayNodesPast(Instant t) {
        for (String n : Nodes.names()) {
            if (!lastWindowEnd("pod_usage_sample", n).isAfter(t)) {
                return false;
            }
        }
        return true;
    }

    private Instant lastWindowEnd(String table, String node) {
        try (Connection c = ds.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT max(window_end) FROM " + table + " WHERE node = ?")) {
            s.setString(1, node);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getTimestamp(1) == null ? Instant.EPOCH : r.getTimestamp(1).toInstant();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<OffsetDateTime> hours() {
        List<OffsetDateTime> out = new ArrayList<>();
        try (Connection c = ds.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT DISTINCT date_trunc('hour', window_start) FROM"
                        + " (SELECT window_start FROM edge_usage_sample WHERE namespace = ? UNION ALL"
                        + " SELECT window_start FROM pod_usage_sample WHERE namespace = ?) w ORDER BY 1")) {
            s.setString(1, ns);
            s.setString(2, ns);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(r.getTimestamp(1).toInstant().atOffset(ZoneOffset.UTC));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    private long[] ratedLine(String line) {
        try (Connection c = ds.getConnection();
                PreparedStatement s = c.prepareStatement("SELECT coalesce(sum(quantity), 0)::bigint,"
                        + " coalesce(sum(amount_micro), 0)::bigint FROM rating_line WHERE workspace_id = ?::uuid"
                        + " AND line = ?")) {
            s.setString(1, workspaceId);
            s.setString(2, line);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return new long[]{r.getLong(1), r.getLong(2)};
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What the workspace's owner has been charged in all, from the ledger. */
    private long charged() {
        return scalar("SELECT coalesce(sum(le.amount_micro), 0) FROM ledger_entry le JOIN ledger_transaction lt"
                + " ON lt.id = le.transaction_id WHERE lt.kind = 'charge' AND le.account_id IS NOT NULL"
                + " AND lt.idem_key LIKE ?", "charge:" + workspaceId + ":%");
    }

    private long scalar(String sql, Object... params) {
        try (Connection c = ds.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    static String route(String name, String hostname) {
        return """
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: %s}
                spec:
                  parentRefs: [{name: berth-apps}]
                  hostnames: ["%s"]
                  rules: [{backendRefs: [{name: web, port: 80}]}]
                """.formatted(name, hostname);
    }

    record Curl(int exit, int status, long bytes, String body, String stderr) {
    }

    Curl awaitStatus(String url, int status, Duration timeout) {
        Instant deadline = Instant.now().plus(timeout);
        Curl last;
        do {
            last = curl(url, RealStack.get("APPS_CA_FILE"));
            if (last.status() == status) {
                return last;
            }
            sleep();
        } while (Instant.now().isBefore(deadline));
        throw new AssertionError("no " + status + " from " + url + " within " + timeout + "; last: " + last);
    }

    /** One request through the gateway at the first node's address, trusting only {@code caFile}. */
    static Curl curl(String url, String caFile) {
        String h = url.replaceFirst("^https?://", "").replaceFirst("/.*", "");
        int port = url.startsWith("https") ? 443 : 80;
        List<String> cmd = List.of("curl", "-sS", "-m", "20", "--resolve", h + ":" + port + ":" + Nodes.ip(1),
                "--cacert", caFile, "-o", url.contains("/bytes/") ? "/dev/null" : "-", "-w",
                "\n%{http_code} %{size_download}", url);
        try {
            Process p = new ProcessBuilder(cmd).start();
            byte[] out = p.getInputStream().readAllBytes();
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
            String text = new String(out, StandardCharsets.UTF_8);
            int cut = text.lastIndexOf('\n');
            String[] tail = text.substring(cut + 1).split(" ");
            return new Curl(p.exitValue(), Integer.parseInt(tail[0]), Long.parseLong(tail[1]),
                    text.substring(0, cut), err);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void sleep() {
        try {
            Thread.sleep(250);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
