package io.berth.agent.it;

import static io.berth.agent.it.AgentDb.num;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.berth.testing.DemoPods;
import io.berth.testing.Nodes;

/**
 * The agent is killed with SIGKILL five times while pods exchange steady traffic and burn CPU. The kernel keeps
 * counting in pinned maps while the agent is dead; after each restart the agent picks up from its committed snapshot.
 * Totals must match what was sent to within 0.1 %, and no window may be counted twice.
 */
class AgentRestartIT {

    @Test
    void fiveSigkillsDuringSteadyTrafficLoseNothingAndCountNothingTwice() throws Exception {
        try (RealNode node = new RealNode("restart", 1)) {
            DemoPods.Pod b = node.running("b", null, "udp-echo", "-bind", "0.0.0.0", "-port", "7000");
            node.outside("udp-echo", "-bind", Nodes.outsideIp(), "-port", "7000");
            DemoPods.Pod a = node.pods.create("a", burnerAndClient(node, "a", "200m", 50, 16));
            AgentProcess agent = node.agent("agent", node.settings()).start();
            for (DemoPods.Pod p : List.of(a, b)) {
                agent.awaitLog("traffic meter attached: pod [^ ]+ uid=" + p.uid());
            }

            CompletableFuture<JsonNode> toPod = CompletableFuture.supplyAsync(() -> node.pods.execIn(a, "app",
                    "udp-ping", "-dst", b.ip(), "-port", "7000", "-size", "900", "-duration", "40s", "-gap", "1ms"));
            CompletableFuture<JsonNode> toInternet = CompletableFuture.supplyAsync(() -> node.pods.execIn(a, "app",
                    "udp-ping", "-dst", Nodes.outsideIp(), "-port", "7000", "-size", "1100", "-duration", "40s",
                    "-gap", "1ms"));
            Random random = new Random();
            for (int kill = 1; kill <= 5; kill++) {
                Thread.sleep(3000 + random.nextInt(3000));
                agent.kill();
                System.out.println("[restart-it] SIGKILL " + kill + " of pid " + agent.pid());
                Thread.sleep(random.nextInt(2500));
                agent.start();
            }
            JsonNode pod = toPod.get();
            JsonNode internet = toInternet.get();
            awaitTerminated(node, "a", "burn");
            long cgroupUsec = node.cpuNanos(a) / 1000;
            agent.settle();

            long podSent = pod.get("sent").asLong();
            long podEchoed = pod.get("echoed").asLong();
            long netSent = internet.get("sent").asLong();
            long netEchoed = internet.get("echoed").asLong();
            Map<String, Object> ta = AgentDb.totals(a.uid());
            Map<String, Object> tb = AgentDb.totals(b.uid());
            System.out.println("[restart-it] sent to pod " + podSent + " (echoed " + podEchoed + "), to internet "
                    + netSent + " (echoed " + netEchoed + ")");
            System.out.println("[restart-it] pod a " + ta);
            System.out.println("[restart-it] pod b " + tb);
            // Internal traffic also carries the interfaces' own IPv6 start-up packets (a few hundred bytes).
            check("a internal tx", num(ta, "int_tx"), podSent * 928);
            check("a internal rx", num(ta, "int_rx"), podEchoed * 928);
            check("a external tx", num(ta, "ext_tx"), netSent * 1128);
            check("a external rx", num(ta, "ext_rx"), netEchoed * 1128);
            check("b internal rx", num(tb, "int_rx"), podSent * 928);
            check("b internal tx", num(tb, "int_tx"), podEchoed * 928);
            System.out.println("[restart-it] pod a cpu metered " + num(ta, "cpu_usec") + " us, cgroup " + cgroupUsec
                    + " us");
            assertThat((double) num(ta, "cpu_usec")).isCloseTo(cgroupUsec, within(cgroupUsec * 0.02));

            // Every window of the pod's life has exactly one row: windows missed while the agent was dead were
            // filled once, from the counters' movement, and none was written twice.
            for (DemoPods.Pod p : List.of(a, b)) {
                Map<String, Object> span = AgentDb.query("SELECT count(*) AS rows, count(DISTINCT window_start) AS"
                        + " distinct_windows, extract(epoch FROM max(window_end) - min(window_start))::bigint AS"
                        + " seconds, bool_and(window_end - window_start = interval '2 seconds') AS aligned,"
                        + " bool_and(extract(epoch FROM window_start)::bigint % 2 = 0) AS on_boundaries"
                        + " FROM pod_usage_sample WHERE pod_uid = ?::uuid", p.uid()).get(0);
                System.out.println("[restart-it] windows of " + p.name() + ": " + span);
                assertThat(num(span, "rows")).isEqualTo(num(span, "distinct_windows"))
                        .isEqualTo(num(span, "seconds") / 2);
                assertThat(span.get("aligned")).isEqualTo(true);
                assertThat(span.get("on_boundaries")).isEqualTo(true);
            }
            long restarts = agent.fullLog().lines().filter(l -> l.contains("metering agent started")).count();
            assertThat(restarts).isEqualTo(6);
            System.out.println("[restart-it] gap closes: " + agent.fullLog().lines()
                    .filter(l -> l.contains("windows at once")).count());
        }
    }

    /**
     * A pod with a CPU burner container (its share set by its CPU limit, running for {@code seconds}, then done) and a
     * client container to exec traffic from; never restarted, so the pod's CPU count is final once the burner ends.
     */
    static String burnerAndClient(RealNode node, String name, String cpuLimit, int seconds, int memMib) {
        return """
                apiVersion: v1
                kind: Pod
                metadata: {name: %s, namespace: %s}
                spec:
                  nodeSelector: {kubernetes.io/hostname: %s}
                  terminationGracePeriodSeconds: 1
                  restartPolicy: Never
                  containers:
                  - name: app
                    image: %s
                    imagePullPolicy: IfNotPresent
                  - name: burn
                    image: %s
                    imagePullPolicy: IfNotPresent
                    args: [burn, -seconds, "%d", -mem-mib, "%d"]
                    resources: {limits: {cpu: %s, memory: 96Mi}}
                """.formatted(name, node.namespace, node.node, DemoPods.CLIENT_IMAGE, DemoPods.CLIENT_IMAGE, seconds,
                memMib, cpuLimit);
    }

    static void awaitTerminated(RealNode node, String pod, String container) {
        AgentProcess.await(Duration.ofSeconds(120), () -> ItCluster.admin().pods().inNamespace(node.namespace)
                .withName(pod).get().getStatus().getContainerStatuses().stream()
                .anyMatch(s -> s.getName().equals(container) && s.getState().getTerminated() != null),
                container + " of " + pod + " finished");
    }

    static void check(String what, long metered, long reference) {
        double error = reference == 0 ? 0 : (metered - reference) * 100.0 / reference;
        System.out.printf("[restart-it] %s: metered %d, reference %d, error %.4f %%%n", what, metered, reference,
                error);
        assertThat(reference).isPositive();
        assertThat((double) metered).as(what).isCloseTo(reference, within(reference * 0.001));
    }

}
