package io.berth.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Page;

import io.agroal.api.AgroalDataSource;
import io.berth.billing.BillingRuns;
import io.berth.testing.DemoPods;
import io.berth.testing.Keycloak;
import io.berth.testing.Kubectl;
import io.berth.testing.Mailbox;
import io.berth.testing.Nodes;
import io.berth.testing.RealStack;
import io.berth.testing.RealStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

/**
 * The core loop, end to end, through the production paths on the real nodes: a new user signs up through Keycloak in
 * Chromium, takes a kubeconfig from the API, deploys a web app with real kubectl and downloads known amounts of data
 * from it (inside the cluster) and from the stack's outside host (the internet); the metering agent's DaemonSet
 * counts those bytes per class and direction within 1 % and the pods' CPU within 2 % of their cgroups; the hour is
 * rated by the billing code itself; and the API's usage, the console's charts and the balance show exactly what was
 * rated, to the micro-unit, which is exactly what the samples and the plan's prices come to by hand.
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class CoreLoopIT {

    static final long INTERNAL_BYTES = 24L << 20;
    static final long EXTERNAL_BYTES = 12L << 20;
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    static Browser browser;
    static Process outsideWeb;

    @Inject
    AgroalDataSource ds;
    @Inject
    BillingRuns runs;

    @BeforeAll
    static void start() {
        browser = Browser.start();
        outsideWeb = Nodes.outside(Path.of("target/it/core-loop-outside.log"), "serve", "-listen",
                Nodes.outsideIp() + ":8080");
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (outsideWeb != null) {
            outsideWeb.destroyForcibly();
        }
    }

    @Test
    void signUpDeployRunMeterBillAndSeeTheCost() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(RealStack.withAgent(), "needs the agent's DaemonSet");
        String base = RealStack.get("BERTH_URL");
        String username = "loop" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        String password = "Pw-" + UUID.randomUUID();

        try (Browser.Session session = browser.open()) {
            Page page = session.page;
            // Sign up on Keycloak's own registration form, reached from the portal.
            page.navigate(base + "/");
            page.locator("#signup").click();
            page.waitForURL(Pattern.compile(".*/realms/berth/.*"));
            page.locator("#username").fill(username);
            page.locator("#email").fill(username + "@example.test");
            page.locator("#firstName").fill("Lou");
            page.locator("#lastName").fill("Loop");
            page.locator("#password").fill(password);
            page.locator("#password-confirm").fill(password);
            page.locator("#kc-form-buttons input[type=submit]").click();
            // The address is verified through the link Keycloak mailed to the stack's sink.
            page.navigate(Mailbox.awaitLinks(username + "@example.test", 0, "/login-actions/action-token",
                    Duration.ofSeconds(60)).get(0));
            page.waitForURL(Pattern.compile(".*/console(\\?.*)?$"));
            assertThat(page.locator("#workspace-rows [data-status]").first()).hasText("ready",
                    new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions().setTimeout(60_000));

            String token = Keycloak.accessToken(username, password);
            JsonNode personal = first(json(api(base, token).get("/api/v1/workspaces").then().statusCode(200)
                    .extract().asString()), "personal");
            String workspaceId = personal.get("id").asText();
            String ns = personal.get("namespace").asText();
            long balanceBefore = balance(base, token);

            // The kubeconfig from the API, and real kubectl with it.
            String kubeconfig = api(base, token).accept("application/yaml").get("/api/v1/me/kubeconfig").then()
                    .statusCode(200).extract().asString();
            Kubectl kubectl = Kubectl.withKubeconfig(kubeconfig);
            Kubectl.Result applied = kubectl.apply(DemoPods.webApp(2) + """
                    ---
                    # The workspace's pods may reach the internet host too (the platform guard allows it).
                    apiVersion: networking.k8s.io/v1
                    kind: NetworkPolicy
                    metadata: {name: allow-outside}
                    spec:
                      podSelector: {}
                      policyTypes: [Egress]
                      egress: [{to: [{ipBlock: {cidr: %s/32}}], ports: [{port: 8080}]}]
                    """.formatted(Nodes.outsideIp()));
            assertThat(applied.ok()).as(applied.output()).isTrue();
            Kubectl.Result rolled = kubectl.run(Duration.ofSeconds(120), null, "rollout", "status",
                    "deployment/web", "--timeout=100s");
            assertThat(rolled.ok()).as(rolled.output()).isTrue();
            DemoPods pods = new DemoPods(kubectl, ns);
            DemoPods.Pod client = pods.run("client", DemoPods.CLIENT_IMAGE, null, null);
            List<DemoPods.Pod> webPods = new ArrayList<>();
            for (String name : kubectl.run("get", "pods", "-l", "app=web", "-o",
                    "jsonpath={.items[*].metadata.name}").stdout().split(" ")) {
                webPods.add(pods.await(name, Duration.ofSeconds(30)));
            }
            for (DemoPods.Pod p : webPods) {
                DemoPods.awaitMetered(p, Duration.ofSeconds(60));
            }
            DemoPods.awaitMetered(client, Duration.ofSeconds(60));

            // Known payloads: from the Service (internal) and from the outside host (external); then some CPU.
            JsonNode internalFetch = pods.exec(client, "fetch", "-expect", Long.toString(INTERNAL_BYTES),
                    "http://web/bytes/" + INTERNAL_BYTES);
            assertThat(internalFetch.get("bytes").asLong()).isEqualTo(INTERNAL_BYTES);
            awaitOpen(pods, client, Nodes.outsideIp() + ":8080");
            JsonNode externalFetch = pods.exec(client, "fetch", "-expect", Long.toString(EXTERNAL_BYTES), "http://"
                    + Nodes.outsideIp() + ":8080/bytes/" + EXTERNAL_BYTES);
            assertThat(externalFetch.get("bytes").asLong()).isEqualTo(EXTERNAL_BYTES);
            pods.exec(client, "burn", "-seconds", "4");

            // The agent's samples against the kernel: CPU between the cgroup's counter before the last window
            // closed and after it was sent; bytes against what the wire carried.
            List<DemoPods.Pod> all = new ArrayList<>(webPods);
            all.add(client);
            Map<String, Long> cpuBefore = cgroupCpuUsec(all);
            Instant read = Instant.now();
            await(Duration.ofSeconds(150), () -> all.stream().allMatch(p -> lastWindowEnd(p.uid()).isAfter(read)),
                    "every pod's window past the reading sent");
            Map<String, Long> cpuAfter = cgroupCpuUsec(all);
            for (DemoPods.Pod p : all) {
                long metered = sum("cpu_usage_usec", p.uid());
                System.out.printf("[core-loop] %s cpu: metered %d us, cgroup %d..%d us%n", p.name(), metered,
                        cpuBefore.get(p.uid()), cpuAfter.get(p.uid()));
                assertThat(metered).isBetween((long) (cpuBefore.get(p.uid()) * 0.98),
                        (long) Math.ceil(cpuAfter.get(p.uid()) * 1.02));
            }
            double internalWire = wire(INTERNAL_BYTES, pods.wireBytesServed(client, internalFetch,
                    webPods.stream().map(p -> p.ip() + ":8080").toList()));
            double externalWire = wire(EXTERNAL_BYTES, pods.wireBytesServed(client, externalFetch,
                    List.of(Nodes.outsideIp() + ":8080")));
            long clientInternalRx = sum("net_internal_rx_bytes", client.uid());
            long clientExternalRx = sum("net_external_rx_bytes", client.uid());
            long webInternalTx = webPods.stream().mapToLong(p -> sum("net_internal_tx_bytes", p.uid())).sum();
            System.out.printf("[core-loop] internal rx %d (wire %.0f), web tx %d, external rx %d (wire %.0f)%n",
                    clientInternalRx, internalWire, webInternalTx, clientExternalRx, externalWire);
            assertThat((double) clientInternalRx).isCloseTo(internalWire, within(internalWire * 0.01));
            assertThat((double) webInternalTx).isCloseTo(internalWire, within(internalWire * 0.01));
            assertThat((double) clientExternalRx).isCloseTo(externalWire, within(externalWire * 0.01));
            assertThat(webPods.stream().mapToLong(p -> sum("net_external_tx_bytes", p.uid())).sum()).isZero();

            // The workload ends; once its last windows are in, the hours it ran in are rated by the billing code.
            Instant ended = Instant.now();
            assertThat(kubectl.run(Duration.ofSeconds(60), null, "delete", "deployment/web", "pod/client",
                    "--wait=true").ok()).isTrue();
            // A deleted, idle pod may have no row in its last window, but each node's agent meters itself in
            // every window: once a row of its node ends after the deletion, that window is closed and sent.
            await(Duration.ofSeconds(150), () -> all.stream().allMatch(p -> lastWindowEndOnNode(p.node())
                    .isAfter(ended)), "the windows of the deletion closed and sent on every node");
            List<OffsetDateTime> hours = hours(ns);
            for (OffsetDateTime hour : hours) {
                runs.rateHour(hour);
            }

            // By hand: each line's quantity from the samples and the plan's price, rounded once (half up).
            Map<String, long[]> expected = expectedLines(ns, hours);
            Map<String, long[]> rated = ratedLines(workspaceId);
            System.out.println("[core-loop] expected " + show(expected) + ", rated " + show(rated));
            assertThat(rated.keySet()).isEqualTo(expected.keySet());
            for (String line : expected.keySet()) {
                assertThat(rated.get(line)).as(line).containsExactly(expected.get(line));
            }
            assertThat(rated.get("external_ingress")[0]).as("the external download, as metered")
                    .isEqualTo(sum("net_external_rx_bytes", ns));
            long ratedTotal = rated.values().stream().mapToLong(v -> v[1]).sum();
            assertThat(ratedTotal).isPositive();

            // The API shows exactly those quantities and amounts, and the balance fell by exactly the total.
            JsonNode usage = json(api(base, token).queryParam("workspaceId", workspaceId)
                    .get("/api/v1/billing/usage").then().statusCode(200).extract().asString());
            Map<String, BigDecimal> apiQuantity = new TreeMap<>();
            Map<String, Long> apiAmount = new TreeMap<>();
            for (JsonNode p : usage.get("points")) {
                apiQuantity.merge(p.get("line").asText(), p.get("quantity").decimalValue(), BigDecimal::add);
                apiAmount.merge(p.get("line").asText(), p.get("amountMicro").asLong(), Long::sum);
            }
            for (String line : expected.keySet()) {
                assertThat(apiAmount.get(line)).as(line + " amount").isEqualTo(rated.get(line)[1]);
                if (hours.size() == 1) {
                    assertThat(apiQuantity.get(line)).as(line + " quantity")
                            .isEqualByComparingTo(display(line, rated.get(line)[0]));
                }
            }
            assertThat(usage.get("totalMicro").asLong()).isEqualTo(ratedTotal);
            assertThat(balance(base, token)).isEqualTo(balanceBefore - ratedTotal);

            // And the console's charts draw exactly the API's figures: amounts to the micro-unit, quantities as given.
            page.navigate(base + "/console/workspaces/" + workspaceId);
            assertThat(page.locator("#usage-total")).hasAttribute("data-total-micro", Long.toString(ratedTotal));
            assertThat(PortalE2EIT.chartMicros(page, "cost-" + workspaceId)).isEqualTo(ratedTotal);
            assertThat(page.locator("#usage-" + workspaceId)).hasAttribute("data-chart-drawn", "true");
            @SuppressWarnings("unchecked")
            Map<String, Number> drawn = (Map<String, Number>) page.evaluate("id => { const c = Chart.getChart("
                    + "document.getElementById(id)); const out = {}; c.data.datasets.forEach(d => out[d.label.split(' (')[0]]"
                    + " = d.data.reduce((a, b) => a + b, 0)); return out; }", "usage-" + workspaceId);
            for (String line : expected.keySet()) {
                assertThat(drawn.get(line).doubleValue()).as(line + " drawn")
                        .isEqualTo(apiQuantity.get(line).doubleValue(), within(1e-9));
            }
            session.screenshot("15-core-loop-workspace");
        }
    }

    /**
     * What a download of {@code payload} bytes put on the wire, as the server's kernel counted its connection: at
     * least 1500-byte packets of 1448 payload bytes, more where timing split it into smaller segments or the server
     * sent some again.
     */
    static double wire(long payload, long served) {
        assertThat((double) served).isGreaterThanOrEqualTo(Math.ceil(payload / 1448.0) * 1500);
        return served;
    }

    private Map<String, Long> cgroupCpuUsec(List<DemoPods.Pod> pods) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (DemoPods.Pod p : pods) {
            out.put(p.uid(), Nodes.cpuNanos(p.node(), p.qos(), p.uid()) / 1000);
        }
        return out;
    }

    private Instant lastWindowEnd(String podUid) {
        return maxWindowEnd("pod_uid = ?::uuid", podUid);
    }

    private Instant lastWindowEndOnNode(String node) {
        return maxWindowEnd("node = ?", node);
    }

    private Instant maxWindowEnd(String where, String value) {
        try (Connection c = ds.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT max(window_end) FROM pod_usage_sample WHERE " + where)) {
            s.setString(1, value);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getTimestamp(1) == null ? Instant.EPOCH : r.getTimestamp(1).toInstant();
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A sample column summed over one pod (by uid) or one namespace. */
    private long sum(String column, String podUidOrNamespace) {
        boolean pod = podUidOrNamespace.matches("[0-9a-f-]{36}");
        return scalar("SELECT coalesce(sum(" + column + "), 0) FROM pod_usage_sample WHERE "
                + (pod ? "pod_uid = ?::uuid" : "namespace = ?"), podUidOrNamespace);
    }

    private List<OffsetDateTime> hours(String ns) throws Exception {
        List<OffsetDateTime> out = new ArrayList<>();
        try (Connection c = ds.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT DISTINCT date_trunc('hour', window_start) FROM pod_usage_sample WHERE namespace = ? ORDER BY 1")) {
            s.setString(1, ns);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(r.getTimestamp(1).toInstant().atOffset(ZoneOffset.UTC));
                }
            }
        }
        return out;
    }

    /**
     * Per line, {quantity, amount} worked out from the samples: CPU is the larger of request and use per window (in
     * core-µs), memory the larger of request and mean working set times the window (byte-seconds), traffic the bytes
     * (inside the cluster: sent, so a byte between two of the workspace's pods counts once);
     * each hour's line priced by the plan and rounded once, half up.
     */
    private Map<String, long[]> expectedLines(String ns, List<OffsetDateTime> hours) throws Exception {
        Map<String, long[]> out = new TreeMap<>();
        String[][] lines = {
                {"cpu", "greatest(cpu_request_millis * 1000 * secs, cpu_usage_usec)", "price_cpu_core_hour",
                        "3600000000"},
                {"memory", "greatest(memory_request_bytes, memory_avg_bytes) * secs", "price_memory_gib_hour",
                        "3865470566400"},
                {"external_egress", "net_external_tx_bytes", "price_external_egress_gib", "1073741824"},
                {"external_ingress", "net_external_rx_bytes", "price_external_ingress_gib", "1073741824"},
                {"internal_traffic", "net_internal_tx_bytes", "price_internal_gib", "1073741824"}};
        for (OffsetDateTime hour : hours) {
            for (String[] l : lines) {
                long quantity = scalar("SELECT coalesce(sum(" + l[1] + "), 0) FROM (SELECT *, extract(epoch FROM"
                        + " window_end - window_start)::bigint AS secs FROM pod_usage_sample WHERE namespace = ?"
                        + " AND window_start >= ? AND window_start < ?) s", ns, hour, hour.plusHours(1));
                if (quantity == 0) {
                    continue;
                }
                long price = scalar("SELECT p." + l[2] + " FROM workspace w JOIN plan p ON p.id = w.plan_id"
                        + " WHERE w.namespace = ?", ns);
                BigInteger divisor = new BigInteger(l[3]);
                long amount = new BigDecimal(BigInteger.valueOf(quantity).multiply(BigInteger.valueOf(price)))
                        .divide(new BigDecimal(divisor), 0, RoundingMode.HALF_UP).longValueExact();
                long[] v = out.computeIfAbsent(l[0], k -> new long[2]);
                v[0] += quantity;
                v[1] += amount;
            }
        }
        return out;
    }

    private Map<String, long[]> ratedLines(String workspaceId) throws Exception {
        Map<String, long[]> out = new TreeMap<>();
        try (Connection c = ds.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT line, sum(quantity)::bigint, sum(amount_micro) FROM rating_line WHERE workspace_id = ?::uuid"
                                + " GROUP BY line")) {
            s.setString(1, workspaceId);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.put(r.getString(1), new long[]{r.getLong(2), r.getLong(3)});
                }
            }
        }
        return out;
    }

    private static BigDecimal display(String line, long quantity) {
        long divisor = switch (line) {
            case "cpu" -> 3_600_000_000L;
            case "memory" -> 3_865_470_566_400L;
            default -> 1_073_741_824L;
        };
        return BigDecimal.valueOf(quantity).divide(BigDecimal.valueOf(divisor), 6, RoundingMode.HALF_UP);
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
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long balance(String base, String token) throws Exception {
        return json(api(base, token).get("/api/v1/billing/balance").then().statusCode(200).extract().asString())
                .get("balanceMicro").asLong();
    }

    private static RequestSpecification api(String base, String token) {
        return given().baseUri(base).auth().oauth2(token);
    }

    private static JsonNode json(String body) throws Exception {
        return JSON.readTree(body);
    }

    private static JsonNode first(JsonNode array, String flag) {
        for (JsonNode n : array) {
            if (n.path(flag).asBoolean()) {
                return n;
            }
        }
        throw new AssertionError("no element with " + flag + " in " + array);
    }

    private static String show(Map<String, long[]> lines) {
        StringBuilder b = new StringBuilder("{");
        lines.forEach((k, v) -> b.append(k).append('=').append(v[0]).append('/').append(v[1]).append("µ "));
        return b.append('}').toString();
    }

    /** The policy reaches the nodes' firewalls within seconds. */
    private static void awaitOpen(DemoPods pods, DemoPods.Pod from, String hostPort) {
        await(Duration.ofSeconds(30), () -> pods.connect(from, hostPort).equals("open"), hostPort + " open");
    }

    private static void await(Duration timeout, java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + timeout + ": " + what);
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }
}
