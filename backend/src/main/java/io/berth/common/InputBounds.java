package io.berth.common;

import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * The one range every value a request brings must stay in before it reaches the database. PostgreSQL's
 * {@code timestamptz} stores 4713 BC to 294276 AD, Java's instants a billion years either side; a year between
 * the two used to answer 500. Berth takes the narrower ISO-8601 range of four-digit years, which both sides
 * store and print alike, and answers anything outside it with a 400 naming the field.
 */
public final class InputBounds {

    public static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");
    public static final String TIME_RANGE = "must be an ISO-8601 date-time between 0001-01-01T00:00:00Z and "
            + "9999-12-31T23:59:59.999999Z";

    /** Query, path and header values: longer ones are nothing Berth stores or looks up, and index rows are bounded. */
    public static final int MAX_PARAMETER_LENGTH = 500;

    private InputBounds() {
    }

    public static boolean inRange(Instant t) {
        return !t.isBefore(EARLIEST) && !t.isAfter(LATEST);
    }

    public static boolean inRange(OffsetDateTime t) {
        return inRange(t.toInstant());
    }

    /** NUL cannot be stored in a PostgreSQL text column; no field of Berth has a use for it. */
    public static boolean hasNul(String s) {
        return s.indexOf('\0') >= 0;
    }
}
