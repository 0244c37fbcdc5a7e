package io.berth.billing;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The resources Berth charges for, each a line of a bill: what its quantity counts (the base unit rating sums), how
 * many base units its price is for, the unit people read, and the plan's price column. The base units are exact
 * integers (core-microseconds, byte-seconds, bytes), so an hour is priced once and rounded once.
 */
public enum UsageLine {
    cpu("core-us", 3_600_000_000L, "core-hours", "price_cpu_core_hour"), memory("byte-s", 3_865_470_566_400L,
            "GiB-hours", "price_memory_gib_hour"), storage("byte-s", 3_865_470_566_400L, "GiB-hours",
                    "price_storage_gib_hour"), external_egress("byte", 1L << 30, "GiB",
                            "price_external_egress_gib"), external_ingress("byte", 1L << 30, "GiB",
                                    "price_external_ingress_gib"), internal_traffic("byte", 1L << 30, "GiB",
                                            "price_internal_gib"), nodeport("port-s", 3600, "hours",
                                                    "price_nodeport_hour"), loadbalancer("lb-s", 3600, "hours",
                                                            "price_loadbalancer_hour");

    /** Digits of a displayed quantity (6: a micro core-hour, about 4 KiB-hours). */
    static final int DISPLAY_SCALE = 6;

    public final String baseUnit;
    /** Base units per priced unit: a core-hour is 3.6e9 core-microseconds, a GiB-hour 2^30 × 3600 byte-seconds. */
    public final long divisor;
    public final String displayUnit;
    final String priceColumn;

    UsageLine(String baseUnit, long divisor, String displayUnit, String priceColumn) {
        this.baseUnit = baseUnit;
        this.divisor = divisor;
        this.displayUnit = displayUnit;
        this.priceColumn = priceColumn;
    }

    /** The line of this name, as rating lines store it. */
    public static UsageLine of(String name) {
        return valueOf(name);
    }

    /** A quantity in base units as people read it: in the display unit, to six digits, half up. */
    public BigDecimal display(BigDecimal base) {
        return base.divide(BigDecimal.valueOf(divisor), DISPLAY_SCALE, RoundingMode.HALF_UP).stripTrailingZeros();
    }

    /**
     * What a quantity costs at a price per priced unit, rounded half up to the micro-unit with exact integer
     * arithmetic: floor((2·q·p + d) / 2d). Rating computes the same, set-based, in SQL ({@link #sqlAmount}).
     */
    public long charge(BigInteger quantity, long unitPriceMicro) {
        BigInteger d = BigInteger.valueOf(divisor);
        return quantity.multiply(BigInteger.valueOf(unitPriceMicro)).shiftLeft(1).add(d).divide(d.shiftLeft(1))
                .longValueExact();
    }

    /** SQL: the line named in {@code column}'s value of each line's property, as a CASE over the lines. */
    static String sqlCase(String column, java.util.function.Function<UsageLine, String> value) {
        return Arrays.stream(values()).map(l -> "WHEN '" + l.name() + "' THEN " + value.apply(l))
                .collect(Collectors.joining(" ", "CASE " + column + " ", " END"));
    }

    /** SQL: the divisor of the line in {@code column}, as an exact numeric. */
    static String sqlDivisor(String column) {
        return sqlCase(column, l -> Long.toString(l.divisor)) + "::numeric";
    }

    /** SQL: the base unit of the line in {@code column}. */
    static String sqlBaseUnit(String column) {
        return sqlCase(column, l -> "'" + l.baseUnit + "'");
    }

    /** SQL: the price of the line in {@code column}, from the plan row aliased {@code plan}. */
    static String sqlPrice(String column, String plan) {
        return sqlCase(column, l -> plan + "." + l.priceColumn);
    }

    /** SQL: the amount of {@code quantity} at {@code price} per {@code divisor}, rounded as {@link #charge} does. */
    static String sqlAmount(String quantity, String price, String divisor) {
        return "div(2 * " + quantity + " * " + price + " + " + divisor + ", 2 * " + divisor + ")";
    }
}
