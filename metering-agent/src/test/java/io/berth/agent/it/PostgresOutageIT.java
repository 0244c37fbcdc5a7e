package io.berth.agent.it;

import static io.berth.agent.it.AgentDb.num;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * PostgreSQL is stopped for two minutes while pods run and talk: the agent spools, says so in its metrics, stays alive,
 * and when the database is back sends everything, so that every window of every pod arrives exactly once. Then a batch
 * the database already has is sent again (as after a crash between commit and acknowledgement): it adds nothing.
 */
class PostgresOutageIT {

    @Test
    void twoMinutesWithoutPostgresLoseNoSampleAndAReplayedBatchAddsNoRow() throws Exception {
        TestCgroups cgroups = NodeFixture.cgroupfs();
        try (NodeFixture node = new NodeFixture("outage")) {
            TestPod a = node.pod("a", "10.244.7.2", cgroups);
            TestPod b = node.pod("b", "10.244.7.3", cgroups);
            b.container("app");
            b.start("app", "udp-echo", "--bind", b.ip, "--port", "7000");
            a.container("burn");
            cgroups.quota(a.uid, a.qos, "burn", 5);
            Process burner = a.start("burn", "burn", "--mem-mib", "8");
            AgentProcess agent = node.agent("agent", node.settings()).start();
            AgentRestartIT.awaitLog(agent, "traffic meter attached: pod [^ ]+ uid=" + a.uid);
            a.container("app");
            CompletableFuture<JsonNode> traffic = CompletableFuture.supplyAsync(() -> a.run("app", "udp-ping",
                    "--dst", b.ip, "--port", "7000", "--size", "500", "--duration", "150", "--gap", "0.01"));
            AgentProcess.await(Duration.ofSeconds(30), () -> num(AgentDb.totals(a.uid), "windows") >= 2,
                    "rows arriving");

            StackPostgres.stop();
            long down = System.nanoTime();
            System.out.println("[outage-it] PostgreSQL stopped");
            try {
                double maxSegments = 0;
                while (System.nanoTime() - down < Duration.ofSeconds(120).toNanos()) {
                    TestPod.sleep(10_000);
                    assertThat(agent.status("/q/health/live")).as("alive while PostgreSQL is down").isEqualTo(200);
                    double segments = agent.metric("berth_agent_spool_segments");
                    assertThat(segments).as("spool grows").isGreaterThanOrEqualTo(maxSegments);
                    maxSegments = segments;
                }
                double age = agent.metric("berth_agent_spool_oldest_age_seconds");
                System.out.printf("[outage-it] after 120 s: %.0f segments, %.0f bytes, oldest %.0f s%n", maxSegments,
                        agent.metric("berth_agent_spool_bytes"), age);
                assertThat(maxSegments).isGreaterThanOrEqualTo(55);
                assertThat(age).isGreaterThan(100);
                assertThat(agent.metric("berth_agent_spool_bytes")).isPositive();
                assertThat(agent.metric("berth_agent_sink_errors_total")).isPositive();
            } finally {
                StackPostgres.start();
                System.out.println("[outage-it] PostgreSQL started again");
            }
            JsonNode sent = traffic.get();
            a.kill(burner);
            AgentProcess.await(Duration.ofSeconds(60), () -> agent.metric("berth_agent_spool_segments") == 0,
                    "spool drained");
            AgentRestartIT.settle(agent);

            long reference = sent.get("sent").asLong() * (500 + 28);
            Map<String, Object> ta = AgentDb.totals(a.uid);
            System.out.println("[outage-it] sent " + sent + "; pod a " + ta);
            assertThat(num(ta, "int_tx")).isEqualTo(reference);
            assertThat(num(ta, "int_rx")).isEqualTo(sent.get("echoed").asLong() * (500 + 28));
            long cgroupUsec = a.cpuNanos() / 1000;
            assertThat((double) num(ta, "cpu_usec")).isCloseTo(cgroupUsec,
                    org.assertj.core.api.Assertions.within(cgroupUsec * 0.02));
            for (TestPod p : List.of(a, b)) {
                Map<String, Object> span = AgentDb.query("SELECT count(*) AS rows, extract(epoch FROM"
                        + " max(window_end) - min(window_start))::bigint AS seconds FROM pod_usage_sample"
                        + " WHERE pod_uid = ?::uuid", p.uid).get(0);
                System.out.println("[outage-it] windows of " + p.name + ": " + span);
                assertThat(num(span, "rows")).as("a row for every window, none lost").isEqualTo(
                        num(span, "seconds") / 2);
            }
            assertThat(agent.fullLog()).contains("PostgreSQL unreachable").contains("PostgreSQL reachable again");
            assertThat(agent.metric("berth_agent_samples_dropped_total")).isZero();

            // Replay: the newest acknowledged batch goes back into the spool, as if the agent had died between
            // the database's commit and the acknowledgement.
            Path acked = node.stateDir.resolve("spool/acked");
            Path newest;
            try (Stream<Path> files = Files.list(acked)) {
                newest = files.filter(f -> f.getFileName().toString().endsWith("-pods.json"))
                        .max(Comparator.comparing(Path::toString)).orElseThrow();
            }
            JsonNode segment = new ObjectMapper().readTree(newest.toFile());
            int rows = segment.get("pods").size();
            assertThat(rows).isPositive();
            java.sql.Timestamp segmentEnd = new java.sql.Timestamp(segment.get("windowEnd").asLong());
            String upTo = "SELECT count(*) FROM pod_usage_sample WHERE node = ? AND window_end <= ?";
            long before = AgentDb.scalar(upTo, node.node, segmentEnd);
            agent.kill();
            Files.copy(newest, node.stateDir.resolve("spool").resolve(newest.getFileName()));
            agent.start();
            AgentProcess.await(Duration.ofSeconds(30),
                    () -> agent.metric("berth_agent_samples_duplicate_total") >= rows, "the replayed batch sent");
            System.out.println("[outage-it] replayed " + rows + " rows ending " + segmentEnd + "; rows up to then "
                    + before);
            // Every replayed row was already there: PostgreSQL kept none of them, and nothing up to that window
            // changed.
            assertThat(agent.metric("berth_agent_samples_duplicate_total")).isEqualTo(rows);
            assertThat(AgentDb.scalar(upTo, node.node, segmentEnd)).isEqualTo(before);
            assertThat(agent.fullLog()).contains("were already in PostgreSQL");
        }
    }
}
