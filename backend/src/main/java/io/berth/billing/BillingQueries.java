package io.berth.billing;

import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.berth.common.ProblemException;
import io.berth.common.Sql;

/**
 * What billing shows of one account, to the account's REST resources and pages and to the admin area: where its
 * balance stands in the debt lifecycle, its ledger with the running balance, its statements. An account with no
 * billing rows yet is good, with a balance of zero (the {@code account_standing} view says so once).
 */
@ApplicationScoped
public class BillingQueries {

    private final Sql sql;
    private final StatementService statements;

    BillingQueries(Sql sql, StatementService statements) {
        this.sql = sql;
        this.statements = statements;
    }

    /** The balance and the debt lifecycle's state, since when, and when the account was suspended (if it is). */
    public record Standing(long balanceMicro, DebtLifecycle.State state, OffsetDateTime since,
            OffsetDateTime suspendedAt) {

        public boolean inDebt() {
            return state.inDebt();
        }
    }

    /** One leg of a ledger transaction on the account, with the balance right after it. */
    public record LedgerEntry(UUID transactionId, String kind, String description, String reason, long amountMicro,
            long balanceAfterMicro, OffsetDateTime createdAt) {

        /** When it was booked (the pages' name for it). */
        public OffsetDateTime at() {
            return createdAt;
        }
    }

    @Transactional
    public Standing standing(UUID accountId) {
        return standings(List.of(accountId)).get(accountId);
    }

    /** The standing of each of these accounts that exists. */
    @Transactional
    public Map<UUID, Standing> standings(Collection<UUID> accountIds) {
        Map<UUID, Standing> out = new HashMap<>();
        if (!accountIds.isEmpty()) {
            for (Sql.Row r : sql.rows("""
                    SELECT account_id, balance_micro, state, extract(epoch FROM since)::bigint,
                           extract(epoch FROM suspended_at)::bigint
                    FROM account_standing WHERE account_id = ANY (CAST(?1 AS uuid[]))""", Sql.uuidArray(accountIds))) {
                out.put(r.uuid(0), new Standing(r.number(1), DebtLifecycle.State.valueOf(r.string(2)), r.time(3),
                        r.time(4)));
            }
        }
        return out;
    }

    /** The account's ledger entries, newest first, with the balance after each. */
    @Transactional
    public List<LedgerEntry> ledger(UUID accountId, int limit) {
        return sql.rows("""
                SELECT t.id, t.kind, t.description, t.reason, e.amount_micro,
                       sum(e.amount_micro) OVER (ORDER BY t.created_at, e.id) AS balance_after, t.created_at
                FROM ledger_entry e JOIN ledger_transaction t ON t.id = e.transaction_id
                WHERE e.account_id = ?1
                ORDER BY t.created_at DESC, e.id DESC LIMIT ?2""", accountId, limit).stream()
                .map(r -> new LedgerEntry(r.uuid(0), r.string(1), r.string(2), r.string(3), r.number(4), r.number(5),
                        r.time(6)))
                .toList();
    }

    /** The account's statements, newest first. */
    public List<StatementService.Statement> statements(UUID accountId) {
        return statements.list(accountId);
    }

    /** One of the account's statements; another account's is not found, as if it did not exist. */
    @Transactional
    public StatementService.Statement statement(UUID accountId, UUID statementId) {
        StatementService.Statement s = statements.get(statementId);
        if (!s.accountId().equals(accountId)) {
            throw ProblemException.notFound("No statement " + statementId);
        }
        return s;
    }
}
