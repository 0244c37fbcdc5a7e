package io.berth.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.berth.billing.UsageService;
import io.berth.common.ProblemException;

class ChartsTest {

    private final UUID ws = UUID.randomUUID();

    @Test
    void hourlyChartsShowEveryHourOfTheRangeGapsIncluded() {
        var usage = new UsageService.Usage("hour", "UTC", OffsetDateTime.parse("2026-11-20T07:30:00Z"),
                OffsetDateTime.parse("2026-11-20T10:00:00Z"), List.of(), 0);
        assertThat(Charts.buckets(usage)).containsExactly("2026-11-20T07:00Z", "2026-11-20T08:00Z",
                "2026-11-20T09:00Z");
    }

    @Test
    void dailyChartsShowTheDaysOfTheAccountsTimeZone() {
        var usage = new UsageService.Usage("day", "Europe/Berlin", OffsetDateTime.parse("2026-11-19T23:00:00Z"),
                OffsetDateTime.parse("2026-11-21T23:00:00Z"), List.of(), 0);
        assertThat(Charts.buckets(usage)).containsExactly("2026-11-20", "2026-11-21");
    }

    @Test
    void eachLineIsASeriesThatKeepsItsExactMicroUnits() {
        var usage = new UsageService.Usage("hour", "UTC", OffsetDateTime.parse("2026-11-20T08:00:00Z"),
                OffsetDateTime.parse("2026-11-20T10:00:00Z"), List.of(
                        new UsageService.Point("2026-11-20T09:00Z", ws, "cpu", new BigDecimal("0.6"), "core-hours",
                                18_000),
                        new UsageService.Point("2026-11-20T09:00Z", ws, "memory", new BigDecimal("0.7"), "GiB-hours",
                                2_734)),
                20_734);
        Charts.Spec spec = Charts.usage("u", usage);
        assertThat(spec.labels()).containsExactly("2026-11-20T08:00Z", "2026-11-20T09:00Z");
        assertThat(spec.datasets()).extracting(Charts.Dataset::label).containsExactly("cpu (core-hours)",
                "memory (GiB-hours)");
        assertThat(spec.datasets()).extracting(Charts.Dataset::key).containsExactly("cpu", "memory");
        assertThat(spec.datasets().get(0).micro()).containsExactly(0L, 18_000L);
        assertThat(spec.datasets().get(0).data()).containsExactly(0.0, 0.6);
        assertThat(spec.totalMicro()).isEqualTo(20_734);
        assertThat(spec.unit()).as("quantities in mixed units: no unit on the axis").isEmpty();
    }

    @Test
    void theLastDaysEndToday() {
        assertThat(Charts.lastDays(3, LocalDate.of(2026, 3, 1))).containsExactly("2026-02-27", "2026-02-28",
                "2026-03-01");
    }

    @Test
    void pricesShowCentsAndEveryDigitThatMatters() {
        assertThat(Formats.price(25_000)).isEqualTo("0.025");
        assertThat(Formats.price(2_000_000)).isEqualTo("2.00");
        assertThat(Formats.price(100)).isEqualTo("0.0001");
        assertThat(Formats.cores(1500)).isEqualTo("1.5");
        assertThat(Formats.gib(3L << 29)).isEqualTo("1.5");
    }

    @Test
    void anAdminTypesAmountsInUnitsAndTheFormSaysWhatIsWrong() {
        assertThat(AdminAccountsPage.micros("-2.50")).isEqualTo(-2_500_000);
        ProblemException tooPrecise = assertThrows(ProblemException.class, () -> AdminAccountsPage.micros("1.0000001"));
        assertThat(Pages.flash(tooPrecise).text()).startsWith("Amount: must be an amount with at most 6 decimals");
        assertThat(Pages.flash(tooPrecise).field()).isEqualTo("amount");
        assertThat(Pages.flash(assertThrows(ProblemException.class, () -> AdminAccountsPage.micros(" "))).text())
                .isEqualTo("Amount: is required, e.g. 5.00 or -2.50");
    }
}
