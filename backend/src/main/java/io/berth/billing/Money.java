package io.berth.billing;

import java.math.BigDecimal;

/** Amounts are integer micro-units (one unit = 1,000,000 micro-units); this only formats them for people. */
public final class Money {

    public static final long MICROS_PER_UNIT = 1_000_000L;

    private Money() {
    }

    /** The exact decimal value, e.g. 1234567 → "1.234567". */
    public static String format(long micros) {
        return BigDecimal.valueOf(micros, 6).toPlainString();
    }

    /** Rounded to cents for display (half up), e.g. 1234567 → "1.23". */
    public static String cents(long micros) {
        return BigDecimal.valueOf(micros, 6).setScale(2, java.math.RoundingMode.HALF_UP).toPlainString();
    }
}
