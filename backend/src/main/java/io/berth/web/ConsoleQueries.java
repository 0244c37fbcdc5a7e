package io.berth.web;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

/** Reads the console shows that have no service of their own: notices, the ledger, the billing state. */
@ApplicationScoped
public class ConsoleQueries {

    private final EntityManager em;

    ConsoleQueries(EntityManager em) {
        this.em = em;
    }

    public record Notice(String kind, String subject, String body, OffsetDateTime at) {
    }

    public record LedgerRow(String kind, String description, String reason, long amountMicro, long balanceAfterMicro,
            OffsetDateTime at) {
    }

    public record BillingState(long balanceMicro, String state, OffsetDateTime since, OffsetDateTime suspendedAt) {

        public boolean inDebt() {
            return state.equals("suspended") || state.equals("terminated");
        }
    }

    @Transactional
    @SuppressWarnings("unchecked")
    public List<Notice> notices(UUID accountId, int limit) {
        List<Object[]> rows = em.createNativeQuery("""
                SELECT kind, subject, body, extract(epoch FROM created_at)::bigint FROM notice
                WHERE account_id = ?1 ORDER BY created_at DESC LIMIT ?2""").setParameter(1, accountId)
                .setParameter(2, limit).getResultList();
        return rows.stream().map(r -> new Notice((String) r[0], (String) r[1], (String) r[2], utc(r[3]))).toList();
    }

    /** The account's ledger entries, newest first, with the balance after each (as the API computes it). */
    @Transactional
    @SuppressWarnings("unchecked")
    public List<LedgerRow> ledger(UUID accountId, int limit) {
        List<Object[]> rows = em.createNativeQuery("""
                SELECT t.kind, t.description, t.reason, e.amount_micro,
                       sum(e.amount_micro) OVER (ORDER BY t.created_at, e.id),
                       extract(epoch FROM t.created_at)::bigint
                FROM ledger_entry e JOIN ledger_transaction t ON t.id = e.transaction_id
                WHERE e.account_id = ?1
                ORDER BY t.created_at DESC, e.id DESC LIMIT ?2""").setParameter(1, accountId)
                .setParameter(2, limit).getResultList();
        List<LedgerRow> out = new ArrayList<>();
        for (Object[] r : rows) {
            out.add(new LedgerRow((String) r[0], (String) r[1], (String) r[2], ((Number) r[3]).longValue(),
                    ((Number) r[4]).longValue(), utc(r[5])));
        }
        return out;
    }

    @Transactional
    public BillingState billing(UUID accountId) {
        Object[] r = (Object[]) em.createNativeQuery("""
                SELECT coalesce((SELECT balance_micro FROM account_balance WHERE account_id = ?1), 0),
                       coalesce(s.state, 'good'), extract(epoch FROM s.since)::bigint,
                       extract(epoch FROM s.suspended_at)::bigint
                FROM (SELECT 1) one LEFT JOIN account_billing_state s ON s.account_id = ?1""")
                .setParameter(1, accountId).getSingleResult();
        return new BillingState(((Number) r[0]).longValue(), (String) r[1], utc(r[2]), utc(r[3]));
    }

    static OffsetDateTime utc(Object epochSeconds) {
        return epochSeconds == null
                ? null
                : OffsetDateTime.ofInstant(Instant.ofEpochSecond(((Number) epochSeconds).longValue()), ZoneOffset.UTC);
    }
}
