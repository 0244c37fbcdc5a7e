package io.berth.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.berth.access.Account;
import io.berth.testing.RealStackResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Accounts in other time zones across a daylight-saving change: rating by UTC hour counts every hour once, daily views
 * and statements follow local days and months, a statement's total is the sum of its lines, and numbers have no gaps.
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class StatementIT {

    @Inject
    AgroalDataSource ds;
    @Inject
    StatementService statements;
    @Inject
    UsageService usage;

    @Test
    void acrossTheEndOfSummerTimeEveryHourIsBilledOnceAndLocalDaysAndMonthsAddUp() throws Exception {
        BillingFixtures f = new BillingFixtures(ds);
        f.plan("ratetest", 1_000_000, 100_000, 10_000, 500_000, 200_000, 0, 30_000, 40_000, 0);
        UUID owner = f.account("Europe/Berlin", "ratetest");
        var ws = f.workspace(owner, "ratetest");
        // One core-minute at the start of every UTC hour from 2026-09-30 20:00Z to 2026-11-01 00:00Z. Berlin leaves
        // summer time on 2026-10-25 at 03:00 local (01:00Z): that local day has 25 hours, October has 745.
        OffsetDateTime first = OffsetDateTime.parse("2026-09-30T20:00:00Z");
        OffsetDateTime last = OffsetDateTime.parse("2026-11-01T00:00:00Z");
        int hours = 0;
        for (OffsetDateTime h = first; !h.isAfter(last); h = h.plusHours(1)) {
            f.pod(ws, UUID.randomUUID(), h, 60_000_000, 0, 0, 0, 0, 0, 0, 0);
            hours++;
        }
        for (OffsetDateTime h = first; !h.isAfter(last); h = h.plusHours(1)) {
            f.rate(h);
        }
        for (OffsetDateTime h = first; !h.isAfter(last); h = h.plusHours(1)) {
            f.rate(h); // re-running the whole period changes nothing
        }

        assertThat(f.scalar("SELECT count(DISTINCT hour_start) FROM rating_line WHERE workspace_id = ?", ws.id()))
                .as("no missing hour").isEqualTo(hours);
        assertThat(f.scalar("SELECT count(*) FROM rating_line WHERE workspace_id = ?", ws.id()))
                .as("no hour twice").isEqualTo(hours);

        Account account = QuarkusTransaction.requiringNew().call(() -> Account.<Account>findById(owner));
        var daily = usage.usage(account, null, UsageService.Granularity.day,
                OffsetDateTime.parse("2026-10-23T22:00:00Z"),
                OffsetDateTime.parse("2026-10-26T23:00:00Z"));
        Map<String, BigDecimal> perDay = daily.points().stream()
                .collect(Collectors.toMap(UsageService.Point::bucket, UsageService.Point::quantity));
        // core-hours: one core-minute per UTC hour, 24 per ordinary local day and 25 on the day summer time ends
        assertThat(perDay).containsEntry("2026-10-24", new BigDecimal("0.4")).containsEntry("2026-10-25",
                new BigDecimal("0.416667")).containsEntry("2026-10-26", new BigDecimal("0.4"));
        assertThat(daily.timezone()).isEqualTo("Europe/Berlin");

        StatementService.Statement september = statements.issue(owner, YearMonth.of(2026, 9));
        StatementService.Statement october = statements.issue(owner, YearMonth.of(2026, 10));
        StatementService.Statement again = statements.issue(owner, YearMonth.of(2026, 10));

        assertThat(again.id()).isEqualTo(october.id());
        assertThat(october.number()).isEqualTo(september.number() + 1);
        assertThat(october.periodStart()).isEqualTo(OffsetDateTime.parse("2026-09-30T22:00:00Z"));
        assertThat(october.periodEnd()).isEqualTo(OffsetDateTime.parse("2026-10-31T23:00:00Z"));
        // September (local) holds 20:00Z and 21:00Z of Sep 30; October the 745 local hours; 00:00Z Nov 1 is November.
        Map<String, StatementService.Line> lines = october.lines().stream()
                .collect(Collectors.toMap(StatementService.Line::line, Function.identity()));
        assertThat(lines.get("cpu").quantity()).isEqualByComparingTo(BigDecimal.valueOf(745L * 60_000_000));
        assertThat(lines.get("cpu").amountMicro()).isEqualTo(745L * 16_667);
        assertThat(september.lines().get(0).amountMicro()).isEqualTo(2L * 16_667);
        assertThat(october.totalMicro())
                .isEqualTo(october.lines().stream().mapToLong(StatementService.Line::amountMicro).sum());
        String csv = StatementService.csv(october);
        assertThat(csv).startsWith("statement,month,workspace,namespace,line,quantity,unit,amount,currency\n")
                .contains("," + ws.namespace() + ",cpu,44700000000,core-us,12.416915,USD\n")
                .endsWith(october.number() + ",2026-10,,,total,,,12.416915,USD\n");
    }

    /**
     * A month's statement lists the free-allowance credits that paid for its hours, whenever they were created: here
     * the last hours of last month are rated, and their credits created, this month. A late adjustment's credit goes
     * with the adjustment to the next statement.
     */
    @Test
    void aMonthsStatementListsExactlyTheAllowanceCreditsOfItsHours() throws Exception {
        BillingFixtures f = new BillingFixtures(ds);
        // cpu 1.00/core-h, free allowance 0.15 a month
        f.plan("allowtest", 1_000_000, 0, 0, 0, 0, 0, 0, 0, 150_000);
        UUID owner = f.account("UTC", "allowtest");
        var ws = f.workspace(owner, "allowtest");
        UUID pod = UUID.randomUUID();
        YearMonth thisMonth = YearMonth.now(ZoneOffset.UTC);
        OffsetDateTime first00 = thisMonth.atDay(1).atStartOfDay().atOffset(ZoneOffset.UTC);
        OffsetDateTime late22 = first00.minusHours(2);
        OffsetDateTime late23 = first00.minusHours(1);
        for (int i = 0; i < 3; i++) { // 3 core-minutes: 0.050000
            f.pod(ws, pod, late22.plusMinutes(i), 60_000_000, 0, 0, 0, 0, 0, 0, 0);
        }
        for (int i = 0; i < 4; i++) { // 4 core-minutes: 0.066667
            f.pod(ws, pod, late23.plusMinutes(i), 60_000_000, 0, 0, 0, 0, 0, 0, 0);
        }
        for (int i = 0; i < 12; i++) { // 12 core-minutes: 0.200000, of which this month's allowance pays 0.150000
            f.pod(ws, pod, first00.plusMinutes(i), 60_000_000, 0, 0, 0, 0, 0, 0, 0);
        }
        f.rate(late22);
        f.rate(late23);
        f.rate(first00);

        StatementService.Statement last = statements.issue(owner, thisMonth.minusMonths(1));
        // One more core-minute of last month's last hour arrives after its statement: round(5/60) − 0.066667 =
        // 0.016666, paid by what is left of last month's allowance (0.150000 − 0.116667).
        f.pod(ws, pod, late23.plusMinutes(4), 60_000_000, 0, 0, 0, 0, 0, 0, 0);
        f.rate(late23);
        StatementService.Statement current = statements.issue(owner, thisMonth);

        assertThat(amounts(last)).containsExactly(entry("cpu", 116_667L), entry("free_allowance", -116_667L));
        assertThat(last.totalMicro()).isZero();
        assertThat(amounts(current)).containsExactly(entry("cpu", 216_666L), entry("free_allowance", -166_666L));
        assertThat(current.totalMicro()).isEqualTo(50_000);
        assertThat(f.scalar("SELECT count(*) FROM statement_credit c JOIN allowance_credit a "
                + "ON a.transaction_id = c.transaction_id WHERE a.account_id = ?", owner)).isEqualTo(4);
    }

    private static Map<String, Long> amounts(StatementService.Statement s) {
        return s.lines().stream().collect(Collectors.toMap(StatementService.Line::line,
                StatementService.Line::amountMicro, Long::sum, java.util.LinkedHashMap::new));
    }

    @Test
    void statementNumbersHaveNoGaps() throws Exception {
        BillingFixtures f = new BillingFixtures(ds);
        f.plan("ratetest", 1_000_000, 100_000, 10_000, 500_000, 200_000, 0, 30_000, 40_000, 0);
        OffsetDateTime hour = OffsetDateTime.parse("2026-08-10T10:00:00Z");
        long previous = -1;
        for (int i = 0; i < 5; i++) {
            UUID owner = f.account("UTC", "ratetest");
            var ws = f.workspace(owner, "ratetest");
            f.pod(ws, UUID.randomUUID(), hour, 60_000_000, 0, 0, 0, 0, 0, 0, 0);
            f.rate(hour);
            long number = statements.issue(owner, YearMonth.of(2026, 8)).number();
            if (previous >= 0) {
                assertThat(number).isEqualTo(previous + 1);
            }
            previous = number;
        }
        assertThat(f.scalar("SELECT max(number) - min(number) + 1 - count(*) FROM statement")).isZero();
    }
}
