package io.berth.agent.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.berth.agent.edge.Bytes;
import io.berth.agent.edge.GatewayCounters;
import io.berth.agent.net.TrafficCounters;
import io.berth.agent.pods.PodResources;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** The spool on a real file system. */
class SpoolTest {

    @TempDir
    Path dir;

    static final Clock CLOCK = Clock.fixed(Instant.ofEpochMilli(100_000), ZoneOffset.UTC);

    static Segment pods(long windowEnd, int rows) {
        List<PodSample> samples = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            samples.add(new PodSample("00000000-0000-0000-0000-" + String.format("%012d", i), windowEnd - 2000,
                    windowEnd, "node", "ns", "pod-" + i, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17));
        }
        Snapshot s = new Snapshot(windowEnd, 1, Map.of("uid", new PodCounters("ns", "p", PodResources.NONE, 1, 2, 3,
                4, new TrafficCounters(1, 2, 3, 4, 5, 6, 7, 8))));
        return new Segment(1, Segment.PODS, windowEnd, samples, List.of(), s);
    }

    @Test
    void committedSegmentsSurviveAReopenAndUnfinishedWritesDoNot() throws IOException {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Spool spool = new Spool(dir, 1 << 20, 4, CLOCK, registry);
        spool.commit(pods(2_000, 3));
        spool.commit(pods(4_000, 3));
        Files.writeString(dir.resolve("0000000006000-pods.json.tmp"), "{\"half");
        Spool reopened = new Spool(dir, 1 << 20, 4, CLOCK, new SimpleMeterRegistry());
        assertThat(reopened.pendingNames()).containsExactly("0000000002000-pods.json",
                "0000000004000-pods.json");
        assertThat(Files.exists(dir.resolve("0000000006000-pods.json.tmp"))).isFalse();
        assertThat(reopened.newestPendingSnapshot()).get().extracting(Snapshot::windowEnd).isEqualTo(4_000L);
        assertThat(reopened.take("0000000002000-pods.json")).get().isEqualTo(pods(2_000, 3));
        assertThat(reopened.oldestAgeSeconds()).isEqualTo(98.0);
    }

    @Test
    void edgeRowsAndGatewayCountersTravelInThePodsSegmentAndOldSegmentsReadWithoutThem() throws IOException {
        Snapshot snapshot = new Snapshot(4_000, 1, Map.of(), Map.of("gw", new GatewayCounters("berth-system", "gw",
                1_700_000_000_123L, Map.of("ws-aaaaaaaaaa-web-80@kubernetes", Map.of("code=200", new Bytes(5, 6))))),
                1);
        Segment segment = new Segment(1, Segment.PODS, 4_000, List.of(), List.of(), List.of(new EdgeSample(2_000,
                4_000, "node", "00000000-0000-0000-0000-000000000001", "ws-aaaaaaaaaa", 5, 6)), snapshot);
        Spool spool = new Spool(dir, 1 << 20, 4, CLOCK, new SimpleMeterRegistry());
        spool.commit(segment);
        Spool reopened = new Spool(dir, 1 << 20, 4, CLOCK, new SimpleMeterRegistry());
        assertThat(reopened.take("0000000004000-pods.json")).contains(segment);
        assertThat(segment.rows()).isEqualTo(1);

        // A segment an agent wrote before edge metering existed: no edge rows, no gateway counters, edgeSince 0.
        Files.writeString(dir.resolve("0000000006000-pods.json"), "{\"version\":1,\"kind\":\"pods\","
                + "\"windowEnd\":6000,\"pods\":[],\"objects\":[],\"snapshot\":{\"windowEnd\":6000,"
                + "\"meteringSince\":1,\"pods\":{}}}");
        Segment old = Spool.read(dir.resolve("0000000006000-pods.json"));
        assertThat(old.edge()).isNull();
        assertThat(old.rows()).isZero();
        assertThat(old.snapshot().edge()).isNull();
        assertThat(old.snapshot().edgeSince()).isZero();
    }

    @Test
    void acknowledgedSegmentsMoveToAckedAndOnlyTheLatestAreKept() throws IOException {
        Spool spool = new Spool(dir, 1 << 20, 2, CLOCK, new SimpleMeterRegistry());
        for (int i = 1; i <= 4; i++) {
            spool.commit(pods(i * 2_000L, 1));
        }
        spool.acknowledge(spool.pendingNames());
        assertThat(spool.segments()).isZero();
        assertThat(spool.bytes()).isZero();
        try (var files = Files.list(spool.ackedDir())) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted())
                    .containsExactly("0000000006000-pods.json", "0000000008000-pods.json");
        }
    }

    @Test
    void aFullSpoolDropsTheOldestLoudlyAndCountsTheLoss() throws IOException {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        long one = Spool.JSON.writeValueAsBytes(pods(2_000, 50)).length;
        Spool spool = new Spool(dir, 3 * one + one / 2, 4, CLOCK, registry);
        for (int i = 1; i <= 5; i++) {
            spool.commit(pods(i * 2_000L, 50));
        }
        assertThat(spool.pendingNames()).containsExactly("0000000006000-pods.json", "0000000008000-pods.json",
                "0000000010000-pods.json");
        assertThat(registry.get("berth.agent.samples.dropped").tag("reason", "spool-full").counter().count())
                .isEqualTo(100.0);
        assertThat(spool.bytes()).isLessThanOrEqualTo(3 * one + one / 2);
    }

    @Test
    void stateRecoveryTakesTheNewerOfAcknowledgedAndPending() throws IOException {
        Spool spool = new Spool(dir.resolve("spool"), 1 << 20, 2, CLOCK, new SimpleMeterRegistry());
        StateStore state = new StateStore(dir);
        Snapshot first = state.recover(spool, 777);
        assertThat(first.windowEnd()).isZero();
        assertThat(first.meteringSince()).isEqualTo(777);
        spool.commit(pods(6_000, 1));
        assertThat(state.recover(spool, 999).windowEnd()).isEqualTo(6_000);
        state.save(pods(8_000, 1).snapshot());
        state.save(pods(4_000, 1).snapshot()); // older: ignored
        assertThat(state.recover(spool, 999).windowEnd()).isEqualTo(8_000);
    }
}
