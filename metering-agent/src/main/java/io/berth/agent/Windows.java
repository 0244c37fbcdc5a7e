package io.berth.agent;

import java.time.Duration;
import java.time.Instant;

/** Sample windows: half-open [start, end), UTC, aligned to the interval counted from the epoch. */
public final class Windows {

    private Windows() {
    }

    /** The start of the window holding {@code t}. */
    public static Instant floor(Instant t, Duration interval) {
        long ms = interval.toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(t.toEpochMilli(), ms) * ms);
    }

    /** The first window boundary strictly after {@code t}. */
    public static Instant nextBoundary(Instant t, Duration interval) {
        return floor(t, interval).plus(interval);
    }

    /** Whether windows of this length tile every hour exactly, as billing by the hour needs. */
    public static boolean dividesHour(Duration interval) {
        long ms = interval.toMillis();
        return ms >= 1000 && ms % 1000 == 0 && 3_600_000 % ms == 0;
    }
}
