package io.berth.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class StatementsTest {

    @Test
    void aMonthIsTheAccountsLocalCalendarMonthInUtc() {
        OffsetDateTime[] october = StatementService.period(YearMonth.of(2026, 10), "Europe/Berlin");
        assertThat(october[0]).isEqualTo(OffsetDateTime.parse("2026-09-30T22:00:00Z"));
        assertThat(october[1]).as("summer time ends within October").isEqualTo(OffsetDateTime.parse(
                "2026-10-31T23:00:00Z"));
        OffsetDateTime[] utc = StatementService.period(YearMonth.of(2026, 2), "UTC");
        assertThat(utc[1]).isEqualTo(OffsetDateTime.parse("2026-03-01T00:00:00Z"));
    }

    @Test
    void theCsvHasAHeaderALineARowAndATotalWithExactAmounts() {
        String csv = StatementService.csv(statement("Shop backend", 1_234_567));
        assertThat(csv).isEqualTo("statement,month,workspace,namespace,line,quantity,unit,amount,currency\n"
                + "42,2026-10,\"Shop backend\",ws-k3j9x2ab1q,cpu,148000000000,core-us,1.234567,USD\n"
                + "42,2026-10,,,total,,,1.234567,USD\n");
    }

    @Test
    void workspaceNamesAreQuotedAndCannotStartAFormula() {
        assertThat(StatementService.csv(statement("=HYPERLINK(\"x\")", 1)))
                .contains(",\"'=HYPERLINK(\"\"x\"\")\",");
        assertThat(StatementService.csv(statement("-1+2", 1))).contains(",\"'-1+2\",");
    }

    private static StatementService.Statement statement(String workspace, long amount) {
        var line = new StatementService.Line(UUID.randomUUID(), workspace, "ws-k3j9x2ab1q", "cpu",
                new BigDecimal("148000000000"), "core-us", amount);
        return new StatementService.Statement(UUID.randomUUID(), 42, UUID.randomUUID(), "2026-10", "Europe/Berlin",
                OffsetDateTime.parse("2026-09-30T22:00:00Z"), OffsetDateTime.parse("2026-10-31T23:00:00Z"), "USD",
                amount, OffsetDateTime.parse("2026-11-01T01:00:00Z"), List.of(line));
    }
}
