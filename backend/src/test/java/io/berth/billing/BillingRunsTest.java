package io.berth.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.OffsetDateTime;

import org.junit.jupiter.api.Test;

class BillingRunsTest {

    private static final Duration DELAY = Duration.ofMinutes(5);

    @Test
    void anHourIsRatedOnceItHasEndedAndTheDelayForLateSamplesHasPassed() {
        assertThat(BillingRuns.lastClosedHour(OffsetDateTime.parse("2026-11-20T10:07:00Z"), DELAY))
                .isEqualTo(OffsetDateTime.parse("2026-11-20T09:00:00Z"));
        assertThat(BillingRuns.lastClosedHour(OffsetDateTime.parse("2026-11-20T10:04:59Z"), DELAY))
                .as("09:00 is still waiting for its samples").isEqualTo(OffsetDateTime.parse("2026-11-20T08:00:00Z"));
        assertThat(BillingRuns.lastClosedHour(OffsetDateTime.parse("2026-11-20T10:05:00Z"), DELAY))
                .isEqualTo(OffsetDateTime.parse("2026-11-20T09:00:00Z"));
    }

    @Test
    void resultsOfShardsAddUp() {
        OffsetDateTime hour = OffsetDateTime.parse("2026-11-20T09:00:00Z");
        Rating.Result sum = Rating.Result.none(hour).plus(new Rating.Result(hour, 3, 1, 500, 0))
                .plus(new Rating.Result(hour, 2, 2, 250, 1));
        assertThat(sum).isEqualTo(new Rating.Result(hour, 5, 3, 750, 1));
    }
}
