package io.berth.billing;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Amounts are integer micro-units of the one currency (one unit = 1,000,000 micro-units) from the database to the
 * API; this turns them into decimals for people and back. {@link #SCALE} is the only place the six digits are written.
 */
public final class Money {

    /** Decimal digits of a unit that a micro-unit amount holds. */
    public static final int SCALE = 6;

    /**
     * The largest amount one request may move: a billion currency units, far beyond any real payment, and far enough
     * below a bigint's limit that balances and sums of such amounts cannot overflow in PostgreSQL (which answered 500).
     */
    public static final long MAX_AMOUNT_MICRO = 1_000_000_000_000_000L;

    private Money() {
    }

    /** The exact decimal value in units, e.g. 1234567 → 1.234567. */
    public static BigDecimal units(long micros) {
        return BigDecimal.valueOf(micros, SCALE);
    }

    /** The exact decimal value, e.g. 1234567 → "1.234567". */
    public static String format(long micros) {
        return units(micros).toPlainString();
    }

    /** Rounded to cents for display (half up), e.g. 1234567 → "1.23". */
    public static String cents(long micros) {
        return units(micros).setScale(2, RoundingMode.HALF_UP).toPlainString();
    }

    /**
     * "5", "-2.50" or "0.000001" units into micro-units; throws {@link NumberFormatException} for what is not a
     * number and {@link ArithmeticException} for more than six decimals or more than a long holds.
     */
    public static long parse(String units) {
        return new BigDecimal(units.strip()).movePointRight(SCALE).longValueExact();
    }
}
