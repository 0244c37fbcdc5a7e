package io.berth.admin;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Query;
import jakarta.transaction.Transactional;

import io.berth.billing.BillingConfig;

/** What the admin area shows: searches with paging and the platform-wide figures. Reads only. */
@ApplicationScoped
public class AdminQueries {

    public static final int PAGE_SIZE = 20;

    private final EntityManager em;
    private final BillingConfig billing;

    AdminQueries(EntityManager em, BillingConfig billing) {
        this.em = em;
        this.billing = billing;
    }

    public record Paged<T>(List<T> items, int page, int pageSize, long total) {
        public int pages() {
            return (int) Math.max(1, (total + pageSize - 1) / pageSize);
        }

        public boolean hasPrevious() {
            return page > 1;
        }

        public boolean hasNext() {
            return page < pages();
        }

        public int previous() {
            return page - 1;
        }

        public int next() {
            return page + 1;
        }
    }

    public record AccountRow(UUID id, String username, String email, String status, String plan,
            OffsetDateTime createdAt, long balanceMicro, String billingState, long workspaces) {
    }

    public record WorkspaceRow(UUID id, String displayName, String namespace, String status, String plan,
            boolean suspended, OffsetDateTime createdAt, UUID ownerId, String owner, long members) {
    }

    public record DebtRow(UUID id, String username, String state, long balanceMicro, OffsetDateTime since,
            OffsetDateTime suspendedAt, OffsetDateTime deletionAt) {
    }

    public record Consumer(UUID id, String username, long amountMicro) {
    }

    /** One value per (bucket, series): a day and a line, or a day and "revenue". */
    public record Point(String bucket, String series, BigDecimal quantity, String unit, long amountMicro) {
    }

    public record Totals(long accounts, long workspaces, long readyWorkspaces, long suspendedAccounts,
            long revenue30dMicro, long debtors) {
    }

    @Transactional
    @SuppressWarnings("unchecked")
    public Paged<AccountRow> accounts(String query, int page) {
        String q = query == null ? "" : query.strip();
        int p = Math.max(1, page);
        String where = " WHERE (?1 = '' OR position(lower(?1) IN lower(a.username)) > 0"
                + " OR position(lower(?1) IN lower(coalesce(a.email, ''))) > 0 OR a.id::text = lower(?1))";
        long total = ((Number) em.createNativeQuery("SELECT count(*) FROM account a" + where).setParameter(1, q)
                .getSingleResult()).longValue();
        Query rows = em.createNativeQuery("""
                SELECT a.id, a.username, a.email, a.status, a.plan_id, extract(epoch FROM a.created_at)::bigint,
                       coalesce(b.balance_micro, 0), coalesce(s.state, 'good'),
                       (SELECT count(*) FROM workspace_member m JOIN workspace w ON w.id = m.workspace_id
                        WHERE m.account_id = a.id AND m.role = 'owner' AND w.status NOT IN ('deleting', 'deleted'))
                FROM account a
                LEFT JOIN account_balance b ON b.account_id = a.id
                LEFT JOIN account_billing_state s ON s.account_id = a.id""" + where
                + " ORDER BY a.created_at DESC, a.id LIMIT " + PAGE_SIZE + " OFFSET " + offset(p))
                .setParameter(1, q);
        List<AccountRow> out = new ArrayList<>();
        for (Object[] r : (List<Object[]>) rows.getResultList()) {
            out.add(new AccountRow((UUID) r[0], (String) r[1], (String) r[2], (String) r[3], (String) r[4], utc(r[5]),
                    num(r[6]), (String) r[7], num(r[8])));
        }
        return new Paged<>(out, p, PAGE_SIZE, total);
    }

    @Transactional
    @SuppressWarnings("unchecked")
    public Paged<WorkspaceRow> workspaces(String query, UUID ownerId, int page) {
        String q = query == null ? "" : query.strip();
        int p = Math.max(1, page);
        String where = """
                WHERE w.status <> 'deleted'
                  AND (?1 = '' OR position(lower(?1) IN lower(w.display_name)) > 0
                       OR position(lower(?1) IN w.namespace) > 0 OR position(lower(?1) IN lower(o.username)) > 0
                       OR w.id::text = lower(?1))
                  AND (CAST(?2 AS uuid) IS NULL OR EXISTS (SELECT 1 FROM workspace_member x
                       WHERE x.workspace_id = w.id AND x.account_id = CAST(?2 AS uuid)))""";
        String from = """
                FROM workspace w
                JOIN workspace_member om ON om.workspace_id = w.id AND om.role = 'owner'
                JOIN account o ON o.id = om.account_id""";
        String owner = ownerId == null ? null : ownerId.toString();
        long total = ((Number) em.createNativeQuery("SELECT count(*) " + from + " " + where).setParameter(1, q)
                .setParameter(2, owner).getSingleResult()).longValue();
        Query rows = em.createNativeQuery("""
                SELECT w.id, w.display_name, w.namespace, w.status, w.plan_id, w.suspended,
                       extract(epoch FROM w.created_at)::bigint, o.id, o.username,
                       (SELECT count(*) FROM workspace_member m WHERE m.workspace_id = w.id) """ + from + " " + where
                + " ORDER BY w.created_at DESC, w.id LIMIT " + PAGE_SIZE + " OFFSET " + offset(p))
                .setParameter(1, q).setParameter(2, owner);
        List<WorkspaceRow> out = new ArrayList<>();
        for (Object[] r : (List<Object[]>) rows.getResultList()) {
            out.add(new WorkspaceRow((UUID) r[0], (String) r[1], (String) r[2], (String) r[3], (String) r[4],
                    (Boolean) r[5], utc(r[6]), (UUID) r[7], (String) r[8], num(r[9])));
        }
        return new Paged<>(out, p, PAGE_SIZE, total);
    }

    /** Accounts at or below zero, or whose billing state is not good, worst first. */
    @Transactional
    @SuppressWarnings("unchecked")
    public List<DebtRow> debtors(int limit) {
        List<Object[]> rows = em.createNativeQuery("""
                SELECT a.id, a.username, coalesce(s.state, 'good'), coalesce(b.balance_micro, 0),
                       extract(epoch FROM s.since)::bigint, extract(epoch FROM s.suspended_at)::bigint
                FROM account a
                LEFT JOIN account_balance b ON b.account_id = a.id
                LEFT JOIN account_billing_state s ON s.account_id = a.id
                WHERE coalesce(b.balance_micro, 0) <= 0 OR coalesce(s.state, 'good') <> 'good'
                ORDER BY CASE coalesce(s.state, 'good') WHEN 'terminated' THEN 0 WHEN 'suspended' THEN 1
                         WHEN 'low' THEN 2 ELSE 3 END, coalesce(b.balance_micro, 0), a.id
                LIMIT ?1""").setParameter(1, limit).getResultList();
        List<DebtRow> out = new ArrayList<>();
        for (Object[] r : rows) {
            OffsetDateTime suspendedAt = utc(r[5]);
            out.add(new DebtRow((UUID) r[0], (String) r[1], (String) r[2], num(r[3]), utc(r[4]), suspendedAt,
                    suspendedAt == null ? null : suspendedAt.plus(billing.deletionGrace())));
        }
        return out;
    }

    /** Accounts by what they were charged in the last {@code days} days. */
    @Transactional
    @SuppressWarnings("unchecked")
    public List<Consumer> topConsumers(int days, int limit) {
        List<Object[]> rows = em.createNativeQuery("""
                SELECT a.id, a.username, sum(r.amount_micro)
                FROM rating_line r JOIN account a ON a.id = r.account_id
                WHERE r.hour_start >= ?1
                GROUP BY a.id, a.username HAVING sum(r.amount_micro) <> 0
                ORDER BY 3 DESC, a.username LIMIT ?2""").setParameter(1, daysAgo(days)).setParameter(2, limit)
                .getResultList();
        return rows.stream().map(r -> new Consumer((UUID) r[0], (String) r[1], num(r[2]))).toList();
    }

    /** Revenue per UTC day: the revenue legs of usage charges, by when they were booked. */
    @Transactional
    @SuppressWarnings("unchecked")
    public List<Point> revenuePerDay(int days) {
        List<Object[]> rows = em.createNativeQuery("""
                SELECT to_char(t.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), sum(e.amount_micro)
                FROM ledger_transaction t JOIN ledger_entry e ON e.transaction_id = t.id
                WHERE t.kind = 'charge' AND e.system_account = 'revenue' AND t.created_at >= ?1
                GROUP BY 1 ORDER BY 1""").setParameter(1, daysAgo(days)).getResultList();
        return rows.stream().map(r -> new Point((String) r[0], "revenue", null, null, num(r[1]))).toList();
    }

    /** Usage and cost of the whole cluster per UTC day and line, from the rating lines. */
    @Transactional
    @SuppressWarnings("unchecked")
    public List<Point> clusterUsagePerDay(int days) {
        List<Object[]> rows = em.createNativeQuery("""
                SELECT to_char(r.hour_start AT TIME ZONE 'UTC', 'YYYY-MM-DD'), r.line,
                       round(sum(r.quantity) / CASE r.line WHEN 'cpu' THEN 3600000000
                                                          WHEN 'memory' THEN 3865470566400
                                                          WHEN 'storage' THEN 3865470566400
                                                          WHEN 'nodeport' THEN 3600 WHEN 'loadbalancer' THEN 3600
                                                          ELSE 1073741824 END, 6),
                       sum(r.amount_micro)
                FROM rating_line r WHERE r.hour_start >= ?1
                GROUP BY 1, 2 ORDER BY 1, 2""").setParameter(1, daysAgo(days)).getResultList();
        return rows.stream().map(r -> new Point((String) r[0], (String) r[1], (BigDecimal) r[2], unit((String) r[1]),
                num(r[3]))).toList();
    }

    public record VoucherBatchRow(UUID id, String name, long amountMicro, OffsetDateTime expiresAt,
            int perAccountLimit, String createdBy, OffsetDateTime createdAt, long codes, long redeemed) {
    }

    @Transactional
    @SuppressWarnings("unchecked")
    public List<VoucherBatchRow> voucherBatches(int limit) {
        List<Object[]> rows = em.createNativeQuery("""
                SELECT b.id, b.name, b.amount_micro, extract(epoch FROM b.expires_at)::bigint, b.per_account_limit,
                       a.username, extract(epoch FROM b.created_at)::bigint,
                       (SELECT count(*) FROM voucher v WHERE v.batch_id = b.id),
                       (SELECT count(*) FROM voucher v WHERE v.batch_id = b.id AND v.redeemed_by IS NOT NULL)
                FROM voucher_batch b JOIN account a ON a.id = b.created_by
                ORDER BY b.created_at DESC LIMIT ?1""").setParameter(1, limit).getResultList();
        return rows.stream().map(r -> new VoucherBatchRow((UUID) r[0], (String) r[1], num(r[2]), utc(r[3]),
                ((Number) r[4]).intValue(), (String) r[5], utc(r[6]), num(r[7]), num(r[8]))).toList();
    }

    /** One account with what the admin page shows beside it. */
    public record AccountDetail(UUID id, String username, String email, String status, String plan,
            String timezone, OffsetDateTime createdAt, long balanceMicro, String billingState,
            OffsetDateTime stateSince, OffsetDateTime suspendedAt, int credentialEpoch,
            OffsetDateTime credentialExpiresAt, long activeTokens) {

        public boolean suspended() {
            return status.equals("suspended");
        }
    }

    @Transactional
    @SuppressWarnings("unchecked")
    public AccountDetail account(UUID id) {
        List<Object[]> rows = em.createNativeQuery("""
                SELECT a.id, a.username, a.email, a.status, a.plan_id, a.timezone,
                       extract(epoch FROM a.created_at)::bigint, coalesce(b.balance_micro, 0),
                       coalesce(s.state, 'good'), extract(epoch FROM s.since)::bigint,
                       extract(epoch FROM s.suspended_at)::bigint, coalesce(c.epoch, 1),
                       extract(epoch FROM c.last_expires_at)::bigint,
                       (SELECT count(*) FROM api_token t WHERE t.account_id = a.id AND t.revoked_at IS NULL
                          AND t.expires_at > now())
                FROM account a
                LEFT JOIN account_balance b ON b.account_id = a.id
                LEFT JOIN account_billing_state s ON s.account_id = a.id
                LEFT JOIN account_credential c ON c.account_id = a.id
                WHERE a.id = ?1""").setParameter(1, id).getResultList();
        if (rows.isEmpty()) {
            return null;
        }
        Object[] r = rows.get(0);
        return new AccountDetail((UUID) r[0], (String) r[1], (String) r[2], (String) r[3], (String) r[4],
                (String) r[5], utc(r[6]), num(r[7]), (String) r[8], utc(r[9]), utc(r[10]), ((Number) r[11]).intValue(),
                utc(r[12]), num(r[13]));
    }

    @Transactional
    public Totals totals() {
        Object[] r = (Object[]) em
                .createNativeQuery(
                        """
                                SELECT (SELECT count(*) FROM account),
                                       (SELECT count(*) FROM workspace WHERE status NOT IN ('deleting', 'deleted')),
                                       (SELECT count(*) FROM workspace WHERE status = 'ready'),
                                       (SELECT count(*) FROM account WHERE status = 'suspended'),
                                       (SELECT coalesce(sum(e.amount_micro), 0) FROM ledger_transaction t
                                          JOIN ledger_entry e ON e.transaction_id = t.id
                                         WHERE t.kind = 'charge' AND e.system_account = 'revenue' AND t.created_at >= ?1),
                                       (SELECT count(*) FROM account a LEFT JOIN account_balance b ON b.account_id = a.id
                                          LEFT JOIN account_billing_state s ON s.account_id = a.id
                                         WHERE coalesce(b.balance_micro, 0) <= 0 OR coalesce(s.state, 'good') IN ('suspended', 'terminated'))
                                """)
                .setParameter(1, daysAgo(30)).getSingleResult();
        return new Totals(num(r[0]), num(r[1]), num(r[2]), num(r[3]), num(r[4]), num(r[5]));
    }

    static String unit(String line) {
        return switch (line) {
            case "cpu" -> "core-hours";
            case "memory", "storage" -> "GiB-hours";
            case "nodeport", "loadbalancer" -> "hours";
            default -> "GiB";
        };
    }

    private static OffsetDateTime daysAgo(int days) {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(java.time.temporal.ChronoUnit.DAYS).minusDays(days - 1L);
    }

    private static long offset(int page) {
        return (long) (page - 1) * PAGE_SIZE;
    }

    private static long num(Object o) {
        return o == null ? 0 : ((Number) o).longValue();
    }

    private static OffsetDateTime utc(Object epochSeconds) {
        return epochSeconds == null
                ? null
                : OffsetDateTime.ofInstant(Instant.ofEpochSecond(((Number) epochSeconds).longValue()), ZoneOffset.UTC);
    }
}
