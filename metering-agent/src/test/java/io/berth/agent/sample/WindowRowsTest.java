package io.berth.agent.sample;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.berth.agent.Windows;
import io.berth.agent.net.NetMeter;
import io.berth.agent.net.Slots;
import io.berth.agent.net.TrafficCounters;
import io.berth.agent.pods.PodResources;
import io.berth.agent.sink.PodCounters;
import io.berth.agent.sink.PodSample;

class WindowRowsTest {

    @Test
    void windowsAreAlignedHalfOpenAndDivideTheHour() {
        Duration m = Duration.ofMinutes(1);
        assertThat(Windows.floor(Instant.parse("2026-01-01T10:00:59.999Z"), m))
                .isEqualTo(Instant.parse("2026-01-01T10:00:00Z"));
        assertThat(Windows.nextBoundary(Instant.parse("2026-01-01T10:01:00Z"), m))
                .isEqualTo(Instant.parse("2026-01-01T10:02:00Z"));
        assertThat(Windows.dividesHour(Duration.ofSeconds(2))).isTrue();
        assertThat(Windows.dividesHour(Duration.ofSeconds(7))).isFalse();
        assertThat(Windows.dividesHour(Duration.ofMinutes(90))).isFalse();
        assertThat(Windows.dividesHour(Duration.ofMillis(1500))).isFalse();
    }

    @Test
    void splitAddsUpExactlyAndDiffersByAtMostOne() {
        assertThat(WindowRows.split(10, 3)).containsExactly(3, 3, 4);
        assertThat(WindowRows.split(2, 3)).containsExactly(0, 1, 1);
        assertThat(WindowRows.split(0, 2)).containsExactly(0, 0);
        long[] parts = WindowRows.split(1_000_000_007L, 60);
        long sum = 0;
        for (long p : parts) {
            sum += p;
        }
        assertThat(sum).isEqualTo(1_000_000_007L);
    }

    @Test
    void aGapIsSpreadOverTheMissedWindowsCappedAtTheBackfillLimit() {
        List<long[]> w = WindowRows.windows(0, 10_000, 2_000, 100);
        assertThat(w).hasSize(5);
        assertThat(w.get(0)).containsExactly(0, 2_000);
        assertThat(w.get(4)).containsExactly(8_000, 10_000);
        assertThat(WindowRows.windows(0, 10_000, 2_000, 2)).hasSize(2).first()
                .satisfies(x -> assertThat(x).containsExactly(6_000, 8_000));
        Usage usage = new Usage(1001, 7, 0, new TrafficCounters(5, 0, 0, 0, 1, 0, 0, 0));
        List<PodSample> rows = WindowRows.rows("u", "n", "ns", "p", new PodResources(100, 200, 300, 400), usage, 9,
                11, w);
        assertThat(rows).hasSize(5);
        assertThat(rows.stream().mapToLong(PodSample::cpuUsageUsec).sum()).isEqualTo(1001);
        assertThat(rows.stream().mapToLong(PodSample::netInternalTxBytes).sum()).isEqualTo(5);
        assertThat(rows).allSatisfy(r -> {
            assertThat(r.windowEnd() - r.windowStart()).isEqualTo(2_000);
            assertThat(r.cpuRequestMillis()).isEqualTo(100);
            assertThat(r.memoryMaxBytes()).isEqualTo(11);
        });
    }

    @Test
    void movementTreatsResetsAsRestartsAndNewSlotsFromTheirBaseline() {
        PodCounters base = new PodCounters("ns", "p", PodResources.NONE, 5_000_999, 100, 100, 3,
                new TrafficCounters(10, 10, 10, 10, 1, 1, 1, 1));
        PodCounters now = new PodCounters("ns", "p", PodResources.NONE, 7_001_000, 50, 300, 3,
                new TrafficCounters(20, 10, 10, 10, 2, 1, 1, 1));
        NetMeter.SlotReading same = new NetMeter.SlotReading(
                new Slots.Entry(3, "ns", "p", new long[8], 0), now.net());
        Usage u = Sampler.movement(base, now, same);
        // µs from floored ns: 7001 - 5000
        assertThat(u.cpuUsec()).isEqualTo(2001);
        assertThat(u.ioReadBytes()).isEqualTo(50); // counter went down: re-created, counts from 0
        assertThat(u.ioWriteBytes()).isEqualTo(200);
        assertThat(u.net()).isEqualTo(new TrafficCounters(10, 0, 0, 0, 1, 0, 0, 0));

        long[] baseline = {15, 10, 10, 10, 1, 1, 1, 1};
        NetMeter.SlotReading otherSlot = new NetMeter.SlotReading(new Slots.Entry(9, "ns", "p", baseline, 0),
                now.net());
        assertThat(Sampler.movement(base, now, otherSlot).net())
                .isEqualTo(new TrafficCounters(5, 0, 0, 0, 1, 0, 0, 0));
    }
}
