package io.berth.billing;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.berth.access.Account;
import io.berth.access.AccountQueries;
import io.berth.common.ProblemException;
import io.berth.common.ReadsForeignTables;
import io.berth.common.Sql;
import io.berth.workspace.WorkspaceQueries;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Monthly statements per account, for calendar months of the account's time zone. A statement lists, per workspace
 * and resource, every rating line of the account not yet on a statement whose hour starts before the month ends (so
 * a late adjustment of an earlier month appears on the next statement, never nowhere and never twice), and, by the same
 * rule, the free allowance credits that paid for those hours. Its total is the sum of its lines; numbers come from one counter under lock, so
 * they have no gaps.
 */
@ApplicationScoped
@ReadsForeignTables(value = "account", why = "which accounts have a month to state depends on each account's time "
        + "zone: one statement over all accounts' rating lines, not one per account")
public class StatementService {

    private final Sql sql;
    private final BillingConfig config;
    private final AccountQueries accounts;
    private final WorkspaceQueries workspaces;

    StatementService(Sql sql, BillingConfig config, AccountQueries accounts, WorkspaceQueries workspaces) {
        this.sql = sql;
        this.config = config;
        this.accounts = accounts;
        this.workspaces = workspaces;
    }

    public record Line(UUID workspaceId, String workspaceName, String namespace, String line, BigDecimal quantity,
            String unit, long amountMicro) {
    }

    public record Statement(UUID id, long number, UUID accountId, String month, String timezone,
            OffsetDateTime periodStart, OffsetDateTime periodEnd, String currency, long totalMicro,
            OffsetDateTime issuedAt, List<Line> lines) {
    }

    /** The month's period in UTC: [local start of the month, local start of the next). */
    public static OffsetDateTime[] period(YearMonth month, String timezone) {
        ZoneId zone = ZoneId.of(timezone);
        return new OffsetDateTime[]{
                month.atDay(1).atStartOfDay(zone).toOffsetDateTime().withOffsetSameInstant(ZoneOffset.UTC),
                month.plusMonths(1).atDay(1).atStartOfDay(zone).toOffsetDateTime()
                        .withOffsetSameInstant(ZoneOffset.UTC)};
    }

    /** Statements for every account with unlisted lines of a month that has ended (and been rated) in its zone. */
    public int issueDue() {
        List<Sql.Row> due = QuarkusTransaction.requiringNew().call(() -> sql.rows("""
                SELECT DISTINCT r.account_id, a.timezone,
                       to_char(date_trunc('month', r.hour_start AT TIME ZONE a.timezone), 'YYYY-MM')
                FROM rating_line r JOIN account a ON a.id = r.account_id, billing_cursor bc
                WHERE r.statement_id IS NULL
                  AND (date_trunc('month', r.hour_start AT TIME ZONE a.timezone) + interval '1 month')
                      AT TIME ZONE a.timezone <= bc.last_hour + interval '1 hour'"""));
        for (Sql.Row row : due) {
            issue(row.uuid(0), YearMonth.parse(row.string(2)));
        }
        return due.size();
    }

    /** Issues the statement of a month (once; a second call returns the first). */
    public Statement issue(UUID accountId, YearMonth month) {
        UUID id = QuarkusTransaction.requiringNew().call(() -> issueInTx(accountId, month));
        return get(id);
    }

    private UUID issueInTx(UUID accountId, YearMonth month) {
        Account account = accounts.find(accountId)
                .orElseThrow(() -> ProblemException.notFound("No account " + accountId));
        var existing = sql.first("SELECT id FROM statement WHERE account_id = ?1 AND month = ?2", accountId,
                month.toString());
        if (existing.isPresent()) {
            return existing.get().uuid(0);
        }
        OffsetDateTime[] p = period(month, account.timezone);
        long number = sql.number("UPDATE statement_counter SET last = last + 1 WHERE id = 1 RETURNING last");
        UUID id = UUID.randomUUID();
        sql.update("""
                INSERT INTO statement (id, number, account_id, period_start, period_end, timezone, month, currency,
                                       total_micro)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0)""", id, number, accountId, p[0], p[1], account.timezone,
                month.toString(), config.currency());
        sql.update("""
                WITH mine AS (
                    UPDATE rating_line SET statement_id = ?1
                    WHERE account_id = ?2 AND hour_start < ?3 AND statement_id IS NULL
                    RETURNING workspace_id, line, quantity, unit, amount_micro)
                INSERT INTO statement_line (statement_id, workspace_id, line, quantity, unit, amount_micro)
                SELECT ?1, workspace_id, line, sum(quantity), unit, sum(amount_micro)
                FROM mine GROUP BY workspace_id, line, unit""", id, accountId, p[1]);
        sql.update("""
                WITH credits AS (
                    INSERT INTO statement_credit (transaction_id, statement_id)
                    SELECT a.transaction_id, ?1 FROM allowance_credit a
                    WHERE a.account_id = ?2 AND a.hour_start < ?3
                      AND NOT EXISTS (SELECT 1 FROM statement_credit c WHERE c.transaction_id = a.transaction_id)
                    RETURNING transaction_id)
                INSERT INTO statement_line (statement_id, workspace_id, line, quantity, unit, amount_micro)
                SELECT ?1, NULL, 'free_allowance', count(*), 'credit', -sum(e.amount_micro)
                FROM credits c JOIN ledger_entry e ON e.transaction_id = c.transaction_id AND e.account_id IS NOT NULL
                HAVING count(*) > 0""", id, accountId, p[1]);
        sql.update("""
                UPDATE statement SET total_micro = (SELECT coalesce(sum(amount_micro), 0) FROM statement_line
                                                    WHERE statement_id = ?1) WHERE id = ?1""", id);
        return id;
    }

    @Transactional
    public List<Statement> list(UUID accountId) {
        return sql.rows("SELECT id FROM statement WHERE account_id = ?1 ORDER BY number DESC", accountId).stream()
                .map(r -> get(r.uuid(0))).toList();
    }

    /** A statement and its lines, per workspace (by namespace, the platform's lines last) and line. */
    @Transactional
    public Statement get(UUID id) {
        Sql.Row s = sql.first("""
                SELECT number, account_id, month, timezone, extract(epoch FROM period_start)::bigint,
                       extract(epoch FROM period_end)::bigint, currency, total_micro,
                       extract(epoch FROM issued_at)::bigint
                FROM statement WHERE id = ?1""", id).orElseThrow(() -> ProblemException.notFound("No statement " + id));
        List<Sql.Row> rows = sql.rows(
                "SELECT workspace_id, line, quantity, unit, amount_micro FROM statement_line WHERE statement_id = ?1",
                id);
        Map<UUID, WorkspaceQueries.Label> names = workspaces
                .labels(rows.stream().map(r -> r.uuid(0)).filter(w -> w != null).toList());
        List<Line> lines = rows.stream().map(r -> {
            WorkspaceQueries.Label label = r.uuid(0) == null ? null : names.get(r.uuid(0));
            return new Line(r.uuid(0), label == null ? null : label.displayName(),
                    label == null ? null : label.namespace(), r.string(1), r.decimal(2), r.string(3),
                    r.number(4));
        }).sorted(Comparator.comparing(Line::namespace, Comparator.nullsLast(Comparator.naturalOrder()))
                .thenComparing(Line::line)).toList();
        return new Statement(id, s.number(0), s.uuid(1), s.string(2), s.string(3), s.time(4), s.time(5),
                s.string(6), s.number(7), s.time(8), lines);
    }

    /** CSV with a header row, one row per line and a total row; amounts in exact units of the currency. */
    public static String csv(Statement s) {
        StringBuilder out = new StringBuilder(
                "statement,month,workspace,namespace,line,quantity,unit,amount,currency\n");
        for (Line l : s.lines()) {
            out.append(s.number()).append(',').append(s.month()).append(',').append(csvField(l.workspaceName()))
                    .append(',').append(l.namespace() == null ? "" : l.namespace()).append(',').append(l.line())
                    .append(',').append(l.quantity().toPlainString()).append(',').append(l.unit()).append(',')
                    .append(Money.format(l.amountMicro())).append(',').append(s.currency()).append('\n');
        }
        out.append(s.number()).append(',').append(s.month()).append(",,,total,,,").append(Money.format(s.totalMicro()))
                .append(',').append(s.currency()).append('\n');
        return out.toString();
    }

    private static String csvField(String v) {
        if (v == null) {
            return "";
        }
        // Quote always; neutralise leading formula characters for spreadsheet safety.
        String safe = v.matches("^[=+\\-@\\t\\r].*") ? "'" + v : v;
        return '"' + safe.replace("\"", "\"\"") + '"';
    }
}
