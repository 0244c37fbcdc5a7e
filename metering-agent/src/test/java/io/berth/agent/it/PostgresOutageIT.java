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

import io.berth.testing.DemoPods;

/**
 * PostgreSQL is stopped for two minutes while pods run and talk: the agent spools, says so in its metrics, stays alive,
 * and when the database is back sends everything, so that every window of every pod arrives exactly once. Then a batch
 * the database already has is sent again (as after a crash between commit and acknowledgement): it adds nothing.
 */
class PostgresOutageIT {

    @Test
    void twoMinutesWithoutPostgresLoseNoSampleAndAReplayedBatchAddsNoRow() throws Exception {
        try (RealNode node = new RealNode("outage", 1)) {
            DemoPods.Pod b = node.running("b", null, "udp-echo", "-bind", "0.0.0.0", "-port", "7000");
            DemoPods.Pod a = node.pods.create("a", AgentRestartIT.burnerAndClient(node, "a", "50m", 160, 8));
            AgentProcess agent = node.agent("agent", node.settings()).start();
            agent.awaitLog("traffic meter attached: pod [^ ]+ uid=" + a.uid());
            agent.awaitLog("traffic meter attached: pod [^ ]+ uid=" + b.uid());
            // Exact byte counts over the traffic's interval: the interfaces' IPv6 start-up chatter is done by then.
            AgentMeteringIT.quietInterfaces();
            agent.settle();
            Map<String, Object> beforeTraffic = AgentDb.totals(a.uid());
            CompletableFuture<JsonNode> traffic = CompletableFuture.supplyAsync(() -> node.pods.execIn(a, "app",
                    "udp-ping", "-dst", b.ip(), "-port", "7000", "-size", "500", "-duration", "150s", "-gap",
                    "10ms"));
            AgentProcess.await(Duration.ofSeconds(30),
                    () -> num(AgentDb.totals(a.uid()), "windows") >= num(beforeTraffic, "windows") + 2,
                    "rows arriving");

            StackPostgres.stop();
            long down = System.nanoTime();
            System.out.println("[outage-it] PostgreSQL stopped");
            try {
                double maxSegments = 0;
                while (System.nanoTime() - down < Duration.ofSeconds(120).toNanos()) {
                    Thread.sleep(10_000);
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
            AgentRestartIT.awaitTerminated(node, "a", "burn");
            long cgroupUsec = node.cpuNanos(a) / 1000;
            AgentProcess.await(Duration.ofSeconds(60), () -> agent.metric("berth_agent_spool_segments") == 0,
                    "spool drained");
            agent.settle();

            long reference = sent.get("sent").asLong() * (500 + 28);
            Map<String, Object> all = AgentDb.totals(a.uid());
            Map<String, Object> ta = AgentDb.since(beforeTraffic, all);
            System.out.println("[outage-it] sent " + sent + "; pod a " + ta);
            assertThat(num(ta, "int_tx")).isEqualTo(reference);
            assertThat(num(ta, "int_rx")).isEqualTo(sent.get("echoed").asLong() * (500 + 28));
            assertThat((double) num(all, "cpu_usec")).isCloseTo(cgroupUsec,
                    org.assertj.core.api.Assertions.within(cgroupUsec * 0.02));
            for (DemoPods.Pod p : List.of(a, b)) {
                Map<String, Object> span = AgentDb.query("SELECT count(*) AS rows, extract(epoch FROM"
                        + " max(window_end) - min(window_start))::bigint AS seconds FROM pod_usage_sample"
                        + " WHERE pod_uid = ?::uuid", p.uid()).get(0);
                System.out.println("[outage-it] windows of " + p.name() + ": " + span);
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
