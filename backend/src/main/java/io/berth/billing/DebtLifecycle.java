package io.berth.billing;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import org.jboss.logging.Logger;

import io.berth.access.Account;
import io.berth.cluster.ReconcileRequests;
import io.berth.workspace.Workspace;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * What happens as money runs out and comes back, per account: good → low (a warning) → suspended (balance at or below
 * zero: the owner's workspaces run nothing and have zero quota) → terminated (after the grace period: workloads and
 * volumes deleted). Money in lifts a suspended or terminated account straight back. A negative balance is carried:
 * resuming needs the balance above zero, so a tiny top-up does not restore service.
 */
@ApplicationScoped
public class DebtLifecycle {

    private static final Logger LOG = Logger.getLogger(DebtLifecycle.class);

    public enum State {
        good, low, suspended, terminated
    }

    private final EntityManager em;
    private final BillingConfig config;
    private final Notices notices;
    private final ReconcileRequests reconcile;
    private Clock clock = Clock.systemUTC();

    DebtLifecycle(EntityManager em, BillingConfig config, Notices notices, ReconcileRequests reconcile) {
        this.em = em;
        this.config = config;
        this.notices = notices;
        this.reconcile = reconcile;
    }

    /** For tests: evaluate as if it were another time. */
    public void clock(Clock clock) {
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
    @SuppressWarnings("unchecked")
    public List<UUID> due() {
        OffsetDateTime now = OffsetDateTime.now(clock);
        return QuarkusTransaction.requiringNew().call(() -> em
                .createNativeQuery(
                        """
                                SELECT a.id FROM account a
                                LEFT JOIN account_balance b ON b.account_id = a.id
                                LEFT JOIN account_billing_state s ON s.account_id = a.id
                                WHERE (coalesce(b.balance_micro, 0) <= 0 AND coalesce(s.state, 'good') IN ('good', 'low'))
                                   OR (coalesce(b.balance_micro, 0) > 0 AND s.state IN ('suspended', 'terminated'))
                                   OR (coalesce(b.balance_micro, 0) > 0 AND coalesce(b.balance_micro, 0) <= ?1 AND coalesce(s.state, 'good') = 'good')
                                   OR (coalesce(b.balance_micro, 0) > ?1 AND s.state = 'low')
                                   OR (s.state = 'suspended' AND s.suspended_at <= ?2)
                                """,
                        UUID.class)
                .setParameter(1, config.lowBalanceMicro())
                .setParameter(2, now.minus(config.deletionGrace()).plus(config.deletionWarning())).getResultList());
    }

    private State transition(UUID accountId, List<UUID> toSend) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        Account account = Account.findById(accountId);
        em.createNativeQuery("INSERT INTO account_billing_state (account_id) VALUES (?1) ON CONFLICT DO NOTHING")
                .setParameter(1, accountId).executeUpdate();
        Object[] row = (Object[]) em.createNativeQuery("""
                SELECT s.state, (extract(epoch FROM s.suspended_at) * 1000)::bigint, coalesce(b.balance_micro, 0)
                FROM account_billing_state s LEFT JOIN account_balance b ON b.account_id = s.account_id
                WHERE s.account_id = ?1 FOR UPDATE OF s""").setParameter(1, accountId).getSingleResult();
        State current = State.valueOf((String) row[0]);
        OffsetDateTime suspendedAt = row[1] == null
                ? null
                : java.time.Instant.ofEpochMilli(((Number) row[1]).longValue()).atOffset(java.time.ZoneOffset.UTC);
        long balance = ((Number) row[2]).longValue();
        String money = Money.cents(balance) + " " + config.currency();

        if (balance > 0 && (current == State.suspended || current == State.terminated)) {
            setSuspended(accountId, false);
            State next = balance <= config.lowBalanceMicro() ? State.low : State.good;
            save(accountId, next, null, now);
            toSend.add(notices.record(accountId, Notices.Kind.resumed, "Your Berth workspaces are running again",
                    Notices.greeting(account) + "Your balance is " + money + "; your workspaces have been resumed."));
            LOG.infof("account %s resumed (balance %s)", accountId, money);
            return next;
        }
        if (balance <= 0 && (current == State.good || current == State.low)) {
            setSuspended(accountId, true);
            save(accountId, State.suspended, now, now);
            toSend.add(notices.record(accountId, Notices.Kind.suspended, "Your Berth workspaces are suspended",
                    Notices.greeting(account) + "Your balance is " + money + ". Your workloads have been scaled to "
                            + "zero; your data is kept. Top up to resume. Without a top-up, workloads and volumes "
                            + "are deleted after " + config.deletionGrace().toDays() + " days."));
            LOG.infof("account %s suspended (balance %s)", accountId, money);
            return State.suspended;
        }
        if (current == State.suspended && suspendedAt != null) {
            OffsetDateTime deletion = suspendedAt.plus(config.deletionGrace());
            if (!now.isBefore(deletion)) {
                Workspace.update("purgeRequested = true, generation = generation + 1 where id in "
                        + "(select m.workspaceId from WorkspaceMember m where m.accountId = ?1 and m.role = ?2) "
                        + "and status not in (?3, ?4)", accountId, io.berth.workspace.WorkspaceRole.owner,
                        Workspace.Status.deleting, Workspace.Status.deleted);
                requestReconcile(accountId);
                save(accountId, State.terminated, suspendedAt, now);
                toSend.add(notices.record(accountId, Notices.Kind.terminated,
                        "Your Berth workloads and volumes were deleted",
                        Notices.greeting(account) + "Your balance stayed at " + money + " for "
                                + config.deletionGrace().toDays() + " days, so your workloads, Services and volumes "
                                + "were deleted. Your workspaces and their configuration remain."));
                return State.terminated;
            }
            if (!now.isBefore(deletion.minus(config.deletionWarning())) && !warned(accountId, suspendedAt)) {
                toSend.add(notices.record(accountId, Notices.Kind.deletion_warning,
                        "Your Berth workloads will be deleted soon", Notices.greeting(account) + "Your balance is "
                                + money + ". Unless you top up, your workloads and volumes are deleted at " + deletion
                                + "."));
            }
            return State.suspended;
        }
        if (balance > 0 && balance <= config.lowBalanceMicro() && current == State.good) {
            save(accountId, State.low, null, now);
            toSend.add(notices.record(accountId, Notices.Kind.low_balance, "Your Berth balance is low",
                    Notices.greeting(account) + "Your balance is " + money + ". Top up to keep your workspaces "
                            + "running: they are suspended when it reaches zero."));
            return State.low;
        }
        if (balance > config.lowBalanceMicro() && current == State.low) {
            save(accountId, State.good, null, now);
            return State.good;
        }
        return current;
    }

    private void setSuspended(UUID accountId, boolean suspended) {
        Workspace.update("suspended = ?1, purgeRequested = false, generation = generation + 1 where id in "
                + "(select m.workspaceId from WorkspaceMember m where m.accountId = ?2 and m.role = ?3) "
                + "and status not in (?4, ?5)", suspended, accountId, io.berth.workspace.WorkspaceRole.owner,
                Workspace.Status.deleting, Workspace.Status.deleted);
        requestReconcile(accountId);
    }

    @SuppressWarnings("unchecked")
    private void requestReconcile(UUID accountId) {
        List<UUID> ids = em.createNativeQuery("""
                SELECT w.id FROM workspace w JOIN workspace_member m ON m.workspace_id = w.id
                WHERE m.account_id = ?1 AND m.role = 'owner' AND w.status NOT IN ('deleting', 'deleted')""", UUID.class)
                .setParameter(1, accountId).getResultList();
        ids.forEach(reconcile::workspace);
    }

    private void save(UUID accountId, State state, OffsetDateTime suspendedAt, OffsetDateTime now) {
        em.createNativeQuery("""
                UPDATE account_billing_state SET state = ?1, suspended_at = ?2, since = ?3, updated_at = ?3
                WHERE account_id = ?4""").setParameter(1, state.name()).setParameter(2, suspendedAt)
                .setParameter(3, now).setParameter(4, accountId).executeUpdate();
    }

    private boolean warned(UUID accountId, OffsetDateTime since) {
        return ((Number) em.createNativeQuery(
                "SELECT count(*) FROM notice WHERE account_id = ?1 AND kind = 'deletion_warning' AND created_at >= ?2")
                .setParameter(1, accountId).setParameter(2, since).getSingleResult()).longValue() > 0;
    }
}
