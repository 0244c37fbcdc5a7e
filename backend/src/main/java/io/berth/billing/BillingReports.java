package io.berth.billing;

import java.math.BigDecimal;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.berth.common.Sql;

/** Billing across the platform, for the admin area: debtors, revenue, the biggest consumers, vouchers. Reads only. */
@ApplicationScoped
public class BillingReports {

    private final Sql sql;
    private final DebtRules rules;

    BillingReports(Sql sql, BillingConfig config) {
        this.sql = sql;
        this.rules = DebtRules.of(config);
    }

    public record Debtor(UUID accountId, DebtLifecycle.State state, long balanceMicro, OffsetDateTime since,
            OffsetDateTime suspendedAt, OffsetDateTime deletionAt) {
    }

    public record Consumer(UUID accountId, long amountMicro) {
    }

    /** An amount on a UTC day ({@code YYYY-MM-DD}), of one line (with its quantity) or of all revenue. */
    public record Daily(String day, String line, BigDecimal quantity, String unit, long amountMicro) {
    }

    public record VoucherBatch(UUID id, String name, long amountMicro, OffsetDateTime expiresAt, int perAccountLimit,
            UUID createdBy, OffsetDateTime createdAt, long codes, long redeemed) {
    }

    /** Accounts at or below zero, or whose billing state is not good: the worst first. */
    @Transactional
    public List<Debtor> debtors(int limit) {
        return sql.rows("""
                SELECT account_id, state, balance_micro, extract(epoch FROM since)::bigint,
                       extract(epoch FROM suspended_at)::bigint
                FROM account_standing
                WHERE balance_micro <= 0 OR state <> 'good'
                ORDER BY CASE state WHEN 'terminated' THEN 0 WHEN 'suspended' THEN 1 WHEN 'low' THEN 2 ELSE 3 END,
                         balance_micro, account_id
                LIMIT ?1""", limit).stream().map(r -> {
            OffsetDateTime suspendedAt = r.time(4);
            return new Debtor(r.uuid(0), DebtLifecycle.State.valueOf(r.string(1)), r.number(2), r.time(3),
                    suspendedAt, suspendedAt == null ? null : rules.deletionAt(suspendedAt));
        }).toList();
    }

    /** Accounts at or below zero or suspended for debt. */
    @Transactional
    public long debtorCount() {
        return sql.number("SELECT count(*) FROM account_standing "
                + "WHERE balance_micro <= 0 OR state IN ('suspended', 'terminated')");
    }

    /**
     * Accounts by what they were charged since {@code since}, the most first: the {@code limit} largest amounts and
     * every account tied with the last of them, so that the caller can break ties by name.
     */
    @Transactional
    public List<Consumer> topConsumers(OffsetDateTime since, int limit) {
        return sql.rows("""
                SELECT account_id, amount FROM (
                    SELECT account_id, sum(amount_micro) AS amount, rank() OVER (ORDER BY sum(amount_micro) DESC) AS r
                    FROM rating_line WHERE hour_start >= ?1
                    GROUP BY account_id HAVING sum(amount_micro) <> 0) ranked
                WHERE r <= ?2 ORDER BY amount DESC""", since, limit).stream()
                .map(r -> new Consumer(r.uuid(0), r.number(1))).toList();
    }

    /** Revenue per UTC day: the revenue legs of usage charges, by when they were booked. */
    @Transactional
    public List<Daily> revenuePerDay(OffsetDateTime since) {
        return sql.rows("""
                SELECT to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), sum(e.amount_micro)
                FROM ledger_transaction t JOIN ledger_entry e ON e.transaction_id = t.id
                WHERE t.kind = 'charge' AND e.system_account = 'revenue' AND t.created_at >= ?1
                GROUP BY 1 ORDER BY 1""", since).stream()
                .map(r -> new Daily(r.string(0), "revenue", null, null, r.number(1))).toList();
    }

    @Transactional
    public long revenueSince(OffsetDateTime since) {
        return sql.number("""
                SELECT coalesce(sum(e.amount_micro), 0) FROM ledger_transaction t
                JOIN ledger_entry e ON e.transaction_id = t.id
                WHERE t.kind = 'charge' AND e.system_account = 'revenue' AND t.created_at >= ?1""", since);
    }

    /** Usage (in each line's display unit) and cost of the whole cluster per UTC day and line. */
    @Transactional
    public List<Daily> usagePerDay(OffsetDateTime since) {
        return sql.rows("""
                SELECT to_char(hour_start AT TIME ZONE 'UTC', 'YYYY-MM-DD'), line, sum(quantity), sum(amount_micro)
                FROM rating_line WHERE hour_start >= ?1
                GROUP BY 1, 2 ORDER BY 1, 2""", since).stream().map(r -> {
            UsageLine line = UsageLine.of(r.string(1));
            return new Daily(r.string(0), line.name(), line.display(r.decimal(2)), line.displayUnit, r.number(3));
        }).toList();
    }

    @Transactional
    public List<VoucherBatch> voucherBatches(int limit) {
        return sql.rows("""
                SELECT b.id, b.name, b.amount_micro, extract(epoch FROM b.expires_at)::bigint, b.per_account_limit,
                       b.created_by, extract(epoch FROM b.created_at)::bigint,
                       (SELECT count(*) FROM voucher v WHERE v.batch_id = b.id),
                       (SELECT count(*) FROM voucher v WHERE v.batch_id = b.id AND v.redeemed_by IS NOT NULL)
                FROM voucher_batch b
                ORDER BY b.created_at DESC LIMIT ?1""", limit).stream()
                .map(r -> new VoucherBatch(r.uuid(0), r.string(1), r.number(2), r.time(3), (int) r.number(4),
                        r.uuid(5), r.time(6), r.number(7), r.number(8)))
                .toList();
    }
}
