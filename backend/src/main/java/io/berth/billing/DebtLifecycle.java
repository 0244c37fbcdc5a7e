package io.berth.billing;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.berth.access.Account;
import io.berth.access.AccountQueries;
import io.berth.common.ProblemException;
import io.berth.common.Sql;
import io.berth.workspace.SuspensionReason;
import io.berth.workspace.WorkspaceStates;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * What happens as money runs out and comes back, per account: good → low (a warning) → suspended (balance at or below
 * zero: the owner's workspaces run nothing and have zero quota) → terminated (after the grace period: workloads and
 * volumes deleted). Money in lifts a suspended or terminated account straight back. A negative balance is carried:
 * resuming needs the balance above zero, so a tiny top-up does not restore service. {@link DebtRules} decides each
 * step; this carries it out, the workspaces' part through their one writer.
 */
@ApplicationScoped
public class DebtLifecycle {

    private static final Logger LOG = Logger.getLogger(DebtLifecycle.class);

    public enum State {
        good, low, suspended, terminated;

        /** The owner's workspaces are suspended for the debt (and purged, once terminated). */
        public boolean inDebt() {
            return this == suspended || this == terminated;
        }
    }

    private final Sql sql;
    private final BillingConfig config;
    private final DebtRules rules;
    private final Notices notices;
    private final WorkspaceStates workspaces;
    private final AccountQueries accounts;
    private final Clock clock;

    DebtLifecycle(Sql sql, BillingConfig config, Notices notices, WorkspaceStates workspaces, AccountQueries accounts,
            Clock clock) {
        this.sql = sql;
        this.config = config;
        this.rules = DebtRules.of(config);
        this.notices = notices;
        this.workspaces = workspaces;
        this.accounts = accounts;
        this.clock = clock;
    }

    /** Moves the account to the state its balance and time call for; returns the state it is in afterwards. */
    public State evaluate(UUID accountId) {
        List<UUID> toSend = new ArrayList<>();
        State state = QuarkusTransaction.requiringNew().call(() -> transition(accountId, toSend));
        toSend.forEach(notices::send);
        return state;
    }

    /** Accounts whose state no longer matches their balance, or whose grace periods have run out. */
    public List<UUID> due() {
        OffsetDateTime now = OffsetDateTime.now(clock);
        return QuarkusTransaction.requiringNew().call(() -> sql.rows("""
                SELECT account_id FROM account_standing
                WHERE (balance_micro <= 0 AND state IN ('good', 'low'))
                   OR (balance_micro > 0 AND state IN ('suspended', 'terminated'))
                   OR (balance_micro > 0 AND balance_micro <= ?1 AND state = 'good')
                   OR (balance_micro > ?1 AND state = 'low')
                   OR (state = 'suspended' AND suspended_at <= ?2)""", config.lowBalanceMicro(),
                now.minus(config.deletionGrace()).plus(config.deletionWarning())).stream().map(r -> r.uuid(0))
                .toList());
    }

    private State transition(UUID accountId, List<UUID> toSend) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        Account account = accounts.find(accountId)
                .orElseThrow(() -> ProblemException.notFound("No account " + accountId));
        sql.update("INSERT INTO account_billing_state (account_id) VALUES (?1) ON CONFLICT DO NOTHING", accountId);
        Sql.Row row = sql.one("""
                SELECT s.state, s.suspended_at, coalesce(b.balance_micro, 0)
                FROM account_billing_state s LEFT JOIN account_balance b ON b.account_id = s.account_id
                WHERE s.account_id = ?1 FOR UPDATE OF s""", accountId);
        State current = State.valueOf(row.string(0));
        OffsetDateTime suspendedAt = row.time(1);
        long balance = row.number(2);
        DebtRules.Step step = rules.next(current, balance, suspendedAt, now,
                () -> notices.sentSince(accountId, Notices.Kind.deletion_warning, suspendedAt));
        switch (step.workspaces()) {
            case suspend -> workspaces.suspendOwned(accountId, SuspensionReason.debt);
            case resume -> workspaces.resumeOwned(accountId, SuspensionReason.debt);
            case purge -> workspaces.purgeOwned(accountId);
            case unchanged -> {
            }
        }
        if (step.moves()) {
            sql.update("""
                    UPDATE account_billing_state SET state = ?1, suspended_at = ?2, since = ?3, updated_at = ?3
                    WHERE account_id = ?4""", step.next().name(), step.suspendedAt(), now, accountId);
        }
        String money = Money.cents(balance) + " " + config.currency();
        if (step.notice() != null) {
            DebtRules.Words words = rules.words(step.notice(), money,
                    suspendedAt == null ? null : rules.deletionAt(suspendedAt));
            toSend.add(notices.record(accountId, step.notice(), words.subject(),
                    Notices.greeting(account) + words.body()));
        }
        if (step.workspaces() == DebtRules.Workspaces.resume || step.workspaces() == DebtRules.Workspaces.suspend) {
            LOG.infof("account %s %s (balance %s)", accountId, step.workspaces() == DebtRules.Workspaces.resume
                    ? "resumed"
                    : "suspended", money);
        }
        return step.next();
    }
}
