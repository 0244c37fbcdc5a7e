package io.berth.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.BigInteger;

import org.junit.jupiter.api.Test;

/** The rating arithmetic: exact base units, one price per priced unit, one rounding half up to the micro-unit. */
class UsageLineTest {

    private static BigInteger q(long v) {
        return BigInteger.valueOf(v);
    }

    @Test
    void anHourOfFourCoresAtThreeCentsCostsTwelveCents() {
        assertThat(UsageLine.cpu.charge(q(4 * 3_600_000_000L), 30_000)).isEqualTo(120_000);
    }

    @Test
    void eightGibibyteHoursOfMemoryAndOneOfStorage() {
        long gibHour = 3600L << 30;
        assertThat(UsageLine.memory.charge(q(8 * gibHour), 4_000)).isEqualTo(32_000);
        assertThat(UsageLine.storage.charge(q(gibHour), 100)).isEqualTo(100);
    }

    @Test
    void halfAMicroUnitRoundsUpAndLessRoundsDown() {
        // A core-second at 1,800 micro-units per core-hour is half a micro-unit; at 1,799 a little less.
        assertThat(UsageLine.cpu.charge(q(1_000_000), 1_800)).isEqualTo(1);
        assertThat(UsageLine.cpu.charge(q(1_000_000), 1_799)).isZero();
        // Half a micro-unit exactly (a core-hour priced 1 micro-unit, half used) rounds up.
        assertThat(UsageLine.cpu.charge(q(1_800_000_000L), 1)).isEqualTo(1);
        assertThat(UsageLine.cpu.charge(q(1_799_999_999L), 1)).isZero();
        assertThat(UsageLine.nodeport.charge(q(5400), 3)).as("1.5 hours at 3: 4.5 → 5").isEqualTo(5);
    }

    @Test
    void hugeQuantitiesStayExact() {
        BigInteger pebibyte = BigInteger.ONE.shiftLeft(50);
        assertThat(UsageLine.external_egress.charge(pebibyte, 80_000)).isEqualTo(80_000L << 20);
        assertThat(UsageLine.internal_traffic.charge(BigInteger.ONE.shiftLeft(40).add(BigInteger.ONE), 1))
                .as("2^40 + 1 bytes at 1 per GiB: 1024.000000001 → 1024").isEqualTo(1024);
    }

    @Test
    void nothingCostsNothingAndAFreeLineCostsNothing() {
        for (UsageLine line : UsageLine.values()) {
            assertThat(line.charge(BigInteger.ZERO, 1_000_000)).isZero();
            assertThat(line.charge(q(line.divisor * 1000), 0)).isZero();
            assertThat(line.charge(q(line.divisor), 7)).as(line + ": one priced unit costs its price").isEqualTo(7);
        }
    }

    @Test
    void quantitiesAreShownInTheUnitPeopleReadToSixDigits() {
        assertThat(UsageLine.cpu.display(new BigDecimal(2_160_000_000L))).isEqualByComparingTo("0.6");
        assertThat(UsageLine.cpu.displayUnit).isEqualTo("core-hours");
        assertThat(UsageLine.memory.display(new BigDecimal((3600L << 30) * 7 / 10))).isEqualByComparingTo("0.7");
        assertThat(UsageLine.memory.displayUnit).isEqualTo("GiB-hours");
        assertThat(UsageLine.loadbalancer.display(new BigDecimal(1))).as("one second: 0.000278 hours")
                .isEqualByComparingTo("0.000278");
        assertThat(UsageLine.external_ingress.displayUnit).isEqualTo("GiB");
        assertThat(UsageLine.nodeport.display(new BigDecimal(7200)).toPlainString()).isEqualTo("2");
    }

    @Test
    void ratingsSqlCarriesEachLinesDivisorUnitAndPrice() {
        String divisor = UsageLine.sqlDivisor("u.line");
        String unit = UsageLine.sqlBaseUnit("u.line");
        String price = UsageLine.sqlPrice("u.line", "p");
        for (UsageLine line : UsageLine.values()) {
            assertThat(divisor).contains("WHEN '" + line + "' THEN " + line.divisor + " ");
            assertThat(unit).contains("WHEN '" + line + "' THEN '" + line.baseUnit + "'");
            assertThat(price).contains("WHEN '" + line + "' THEN p." + line.priceColumn);
        }
        assertThat(divisor).startsWith("CASE u.line ").endsWith(" END::numeric");
        assertThat(UsageLine.sqlAmount("q", "p", "d")).isEqualTo("div(2 * q * p + d, 2 * d)");
    }

    @Test
    void everyLineHasItsOwnPriceColumn() {
        assertThat(java.util.Arrays.stream(UsageLine.values()).map(l -> l.priceColumn).distinct())
                .hasSize(UsageLine.values().length);
    }
}
