package io.berth.billing;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import io.berth.access.Account;
import io.berth.common.ProblemException;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Monthly statements per account, for calendar months of the account's time zone. A statement lists, per workspace
 * and resource, every rating line of the account not yet on a statement whose hour starts before the month ends (so
 * a late adjustment of an earlier month appears on the next statement, never nowhere and never twice), and, by the same
 * rule, the free allowance credits that paid for those hours. Its total is the sum of its lines; numbers come from one counter under lock, so
 * they have no gaps.
 */
@ApplicationScoped
public class StatementService {

    private final EntityManager em;
    private final BillingConfig config;

    StatementService(EntityManager em, BillingConfig config) {
        this.em = em;
        this.config = config;
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

    /** Issues the statement of a month (once; a second call returns the first). */
    public Statement issue(UUID accountId, YearMonth month) {
        UUID id = QuarkusTransaction.requiringNew().call(() -> issueInTx(accountId, month));
        return get(id);
    }

    private UUID issueInTx(UUID accountId, YearMonth month) {
        Account account = Account.findById(accountId);
        if (account == null) {
            throw ProblemException.notFound("No account " + accountId);
        }
        List<?> existing = em.createNativeQuery("SELECT id FROM statement WHERE account_id = ?1 AND month = ?2",
                UUID.class).setParameter(1, accountId).setParameter(2, month.toString()).getResultList();
        if (!existing.isEmpty()) {
            return (UUID) existing.get(0);
        }
        OffsetDateTime[] p = period(month, account.timezone);
        long number = ((Number) em.createNativeQuery(
                "UPDATE statement_counter SET last = last + 1 WHERE id = 1 RETURNING last").getSingleResult())
                .longValue();
        UUID id = UUID.randomUUID();
        em.createNativeQuery("""
                INSERT INTO statement (id, number, account_id, period_start, period_end, timezone, month, currency,
                                       total_micro)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 0)""").setParameter(1, id).setParameter(2, number)
                .setParameter(3, accountId).setParameter(4, p[0]).setParameter(5, p[1])
                .setParameter(6, account.timezone).setParameter(7, month.toString())
                .setParameter(8, config.currency()).executeUpdate();
        em.createNativeQuery("""
                WITH mine AS (
                    UPDATE rating_line SET statement_id = ?1
                    WHERE account_id = ?2 AND hour_start < ?3 AND statement_id IS NULL
                    RETURNING workspace_id, line, quantity, unit, amount_micro)
                INSERT INTO statement_line (statement_id, workspace_id, line, quantity, unit, amount_micro)
                SELECT ?1, workspace_id, line, sum(quantity), unit, sum(amount_micro)
                FROM mine GROUP BY workspace_id, line, unit""").setParameter(1, id).setParameter(2, accountId)
                .setParameter(3, p[1]).executeUpdate();
        em.createNativeQuery("""
                WITH credits AS (
                    INSERT INTO statement_credit (transaction_id, statement_id)
                    SELECT a.transaction_id, ?1 FROM allowance_credit a
                    WHERE a.account_id = ?2 AND a.hour_start < ?3
                      AND NOT EXISTS (SELECT 1 FROM statement_credit c WHERE c.transaction_id = a.transaction_id)
                    RETURNING transaction_id)
                INSERT INTO statement_line (statement_id, workspace_id, line, quantity, unit, amount_micro)
                SELECT ?1, NULL, 'free_allowance', count(*), 'credit', -sum(e.amount_micro)
                FROM credits c JOIN ledger_entry e ON e.transaction_id = c.transaction_id AND e.account_id IS NOT NULL
                HAVING count(*) > 0""").setParameter(1, id).setParameter(2, accountId).setParameter(3, p[1])
                .executeUpdate();
        em.createNativeQuery("""
                UPDATE statement SET total_micro = (SELECT coalesce(sum(amount_micro), 0) FROM statement_line
                                                    WHERE statement_id = ?1) WHERE id = ?1""").setParameter(1, id)
                .executeUpdate();
        return id;
    }

    @SuppressWarnings("unchecked")
    public List<Statement> list(UUID accountId) {
        return QuarkusTransaction.requiringNew().call(() -> {
            List<UUID> ids = em.createNativeQuery(
                    "SELECT id FROM statement WHERE account_id = ?1 ORDER BY number DESC", UUID.class)
                    .setParameter(1, accountId).getResultList();
            return ids.stream().map(this::get).toList();
        });
    }

    @SuppressWarnings("unchecked")
    public Statement get(UUID id) {
        return QuarkusTransaction.joiningExisting().call(() -> {
            List<Object[]> found = em.createNativeQuery("""
                    SELECT number, account_id, month, timezone, extract(epoch FROM period_start)::bigint,
                           extract(epoch FROM period_end)::bigint, currency, total_micro,
                           extract(epoch FROM issued_at)::bigint
                    FROM statement WHERE id = ?1""").setParameter(1, id).getResultList();
            if (found.isEmpty()) {
                throw ProblemException.notFound("No statement " + id);
            }
            Object[] s = found.get(0);
            List<Object[]> rows = em.createNativeQuery("""
                    SELECT l.workspace_id, w.display_name, w.namespace, l.line, l.quantity, l.unit, l.amount_micro
                    FROM statement_line l LEFT JOIN workspace w ON w.id = l.workspace_id
                    WHERE l.statement_id = ?1 ORDER BY w.namespace NULLS LAST, l.line""").setParameter(1, id)
                    .getResultList();
            List<Line> lines = new ArrayList<>();
            for (Object[] r : rows) {
                lines.add(new Line((UUID) r[0], (String) r[1], (String) r[2], (String) r[3], (BigDecimal) r[4],
                        (String) r[5], ((Number) r[6]).longValue()));
            }
            return new Statement(id, ((Number) s[0]).longValue(), (UUID) s[1], (String) s[2], (String) s[3],
                    utc(s[4]), utc(s[5]), (String) s[6], ((Number) s[7]).longValue(), utc(s[8]), lines);
        });
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

    private static OffsetDateTime utc(Object epochSeconds) {
        return OffsetDateTime.ofInstant(java.time.Instant.ofEpochSecond(((Number) epochSeconds).longValue()),
                ZoneOffset.UTC);
    }
}
