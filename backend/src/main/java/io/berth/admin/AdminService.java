package io.berth.admin;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import io.berth.access.Account;
import io.berth.access.CredentialService;
import io.berth.billing.BillingService;
import io.berth.billing.Money;
import io.berth.cluster.ReconcileRequests;
import io.berth.common.ProblemException;
import io.berth.plan.Plan;
import io.berth.plan.PlanService;
import io.berth.plan.PlanView;
import io.berth.token.ApiTokenService;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * What platform admins do to accounts and plans, each written to the {@link AuditLog}.
 *
 * <p>
 * Suspension by an admin is {@code account.status = suspended}, separate from the debt lifecycle's billing state:
 * the account can no longer use the console or the API ({@code CurrentAccount} refuses it) or its API tokens, its
 * Kubernetes identity is revoked (the identity reconciler removes identities of accounts that are not active), and the
 * workspaces it owns are suspended like a debtor's (workloads at zero, quota zero). A database trigger keeps those
 * workspaces suspended even when the debt lifecycle would resume them after a top-up; resuming the account restores
 * whatever the billing state calls for.
 */
@ApplicationScoped
public class AdminService {

    private final EntityManager em;
    private final AuditLog audit;
    private final BillingService billing;
    private final CredentialService credentials;
    private final ApiTokenService tokens;
    private final PlanService plans;
    private final ReconcileRequests reconcile;

    AdminService(EntityManager em, AuditLog audit, BillingService billing, CredentialService credentials,
            ApiTokenService tokens, PlanService plans, ReconcileRequests reconcile) {
        this.em = em;
        this.audit = audit;
        this.billing = billing;
        this.credentials = credentials;
        this.tokens = tokens;
        this.plans = plans;
        this.reconcile = reconcile;
    }

    public BillingService.Adjusted adjust(Account admin, AuditLog.Via via, UUID accountId, Long amountMicro,
            String reason, String idemKey) {
        if (amountMicro == null) {
            throw ProblemException.badRequest("amountMicro", "is required");
        }
        Account target = require(accountId);
        BillingService.Adjusted adjusted = billing.adjust(accountId, amountMicro, reason, idemKey, admin);
        if (adjusted.created()) {
            audit.record(admin, via, amountMicro > 0 ? "balance.credit" : "balance.debit", "account", accountId,
                    target.username, Money.format(amountMicro) + ": " + reason.strip());
        }
        return adjusted;
    }

    public void suspend(Account admin, AuditLog.Via via, UUID accountId, String reason) {
        if (reason == null || reason.isBlank() || reason.length() > 500) {
            throw ProblemException.badRequest("reason", "is required (at most 500 characters)");
        }
        if (admin.id.equals(accountId)) {
            throw ProblemException.badRequest("accountId", "you cannot suspend yourself");
        }
        QuarkusTransaction.requiringNew().run(() -> {
            Account target = lock(accountId);
            if (target.status == Account.Status.deleted) {
                throw ProblemException.conflict("The account is deleted");
            }
            if (target.status == Account.Status.suspended) {
                return;
            }
            target.status = Account.Status.suspended;
            target.updatedAt = now();
            em.flush();
            setOwnedSuspended(accountId, true);
            reconcile.account(accountId);
            audit.record(admin, via, "account.suspend", "account", accountId, target.username, reason.strip());
        });
    }

    public void resume(Account admin, AuditLog.Via via, UUID accountId) {
        QuarkusTransaction.requiringNew().run(() -> {
            Account target = lock(accountId);
            if (target.status != Account.Status.suspended) {
                return;
            }
            target.status = Account.Status.active;
            target.updatedAt = now();
            // The trigger reads the owner's status: it must see 'active' before the workspaces change.
            em.flush();
            String state = (String) em.createNativeQuery(
                    "SELECT coalesce((SELECT state FROM account_billing_state WHERE account_id = ?1), 'good')")
                    .setParameter(1, accountId).getSingleResult();
            boolean inDebt = state.equals("suspended") || state.equals("terminated");
            setOwnedSuspended(accountId, inDebt);
            reconcile.account(accountId);
            audit.record(admin, via, "account.resume", "account", accountId, target.username,
                    inDebt ? "workspaces stay suspended: the account is in debt (" + state + ")" : "");
        });
    }

    public void changePlan(Account admin, AuditLog.Via via, UUID accountId, String planId) {
        QuarkusTransaction.requiringNew().run(() -> {
            Account target = lock(accountId);
            Plan plan = planId == null ? null : Plan.findById(planId);
            if (plan == null) {
                throw ProblemException.badRequest("planId", "names no plan");
            }
            String before = target.planId;
            if (before.equals(planId)) {
                return;
            }
            target.planId = planId;
            target.updatedAt = now();
            em.flush();
            for (UUID ws : owned(accountId)) {
                em.createNativeQuery("UPDATE workspace SET plan_id = ?1, generation = generation + 1, updated_at = ?2 "
                        + "WHERE id = ?3").setParameter(1, planId).setParameter(2, now()).setParameter(3, ws)
                        .executeUpdate();
                reconcile.workspace(ws);
            }
            audit.record(admin, via, "account.plan", "account", accountId, target.username, before + " → " + planId);
        });
    }

    /** Revokes the user's Kubernetes credential (every kubeconfig) and every API token. */
    public CredentialService.CredentialStatus revokeCredentials(Account admin, AuditLog.Via via, UUID accountId) {
        Account target = require(accountId);
        CredentialService.CredentialStatus status = credentials.revokeAll(accountId, admin);
        int revokedTokens = tokens.revokeAll(accountId);
        audit.record(admin, via, "credentials.revoke", "account", accountId, target.username,
                "credential epoch now " + status.epoch() + "; " + revokedTokens + " API token(s) revoked");
        return status;
    }

    public PlanView putPlan(Account admin, AuditLog.Via via, String id, PlanView plan) {
        boolean existed = QuarkusTransaction.requiringNew().call(() -> Plan.findById(id) != null);
        PlanView saved = plans.put(id, plan);
        audit.record(admin, via, existed ? "plan.update" : "plan.create", "plan", id, saved.name(),
                (saved.active() ? "active" : "inactive") + "; cpu " + Money.format(saved.priceCpuCoreHour())
                        + "/core-h, memory " + Money.format(saved.priceMemoryGibHour()) + "/GiB-h, max workspaces "
                        + saved.maxWorkspaces());
        return saved;
    }

    public BillingService.VoucherBatch createVouchers(Account admin, AuditLog.Via via, String name, long amountMicro,
            int count, OffsetDateTime expiresAt, int perAccountLimit) {
        BillingService.VoucherBatch batch = billing.createVouchers(name, amountMicro, count, expiresAt,
                perAccountLimit, admin);
        // Never the codes: the log is for reading, the codes are money.
        audit.record(admin, via, "vouchers.create", "voucher_batch", batch.id(), batch.name(), count + " × "
                + Money.format(amountMicro) + ", expires " + expiresAt + ", per account " + perAccountLimit);
        return batch;
    }

    private Account require(UUID accountId) {
        Account a = accountId == null
                ? null
                : QuarkusTransaction.requiringNew().call(() -> Account.findById(accountId));
        if (a == null) {
            throw ProblemException.notFound("No account " + accountId);
        }
        return a;
    }

    private Account lock(UUID accountId) {
        Account a = accountId == null
                ? null
                : em.find(Account.class, accountId, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
        if (a == null) {
            throw ProblemException.notFound("No account " + accountId);
        }
        return a;
    }

    @SuppressWarnings("unchecked")
    private List<UUID> owned(UUID accountId) {
        return em.createNativeQuery("""
                SELECT w.id FROM workspace w JOIN workspace_member m ON m.workspace_id = w.id
                WHERE m.account_id = ?1 AND m.role = 'owner' AND w.status NOT IN ('deleting', 'deleted')""",
                UUID.class).setParameter(1, accountId).getResultList();
    }

    private void setOwnedSuspended(UUID accountId, boolean suspended) {
        for (UUID ws : owned(accountId)) {
            em.createNativeQuery("UPDATE workspace SET suspended = ?1, purge_requested = CASE WHEN ?1 THEN "
                    + "purge_requested ELSE false END, generation = generation + 1, updated_at = ?2 WHERE id = ?3")
                    .setParameter(1, suspended).setParameter(2, now()).setParameter(3, ws).executeUpdate();
            reconcile.workspace(ws);
        }
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
