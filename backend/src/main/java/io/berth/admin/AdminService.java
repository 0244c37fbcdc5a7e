package io.berth.admin;

import java.time.OffsetDateTime;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import io.berth.access.Account;
import io.berth.access.AccountQueries;
import io.berth.access.AccountService;
import io.berth.access.CredentialService;
import io.berth.billing.BillingQueries;
import io.berth.billing.BillingService;
import io.berth.billing.Money;
import io.berth.common.PrintableText;
import io.berth.common.ProblemException;
import io.berth.plan.PlanService;
import io.berth.plan.PlanView;
import io.berth.token.ApiTokenService;
import io.berth.workspace.SuspensionReason;
import io.berth.workspace.WorkspaceStates;

/**
 * What platform admins do to accounts and plans, each through the feature that owns what changes, and each written
 * to the {@link AuditLog}.
 *
 * <p>
 * Suspension by an admin is {@code account.status = suspended}, separate from the debt lifecycle's billing state:
 * the account can no longer use the console or the API ({@code CurrentAccount} refuses it) or its API tokens, its
 * Kubernetes identity is revoked (the identity reconciler removes identities of accounts that are not active), and the
 * workspaces it owns are suspended for the admin's reason (workloads at zero, quota zero). Money in lifts only the
 * debt's reason, so the admin's holds until an admin resumes the account; resuming restores whatever the billing
 * state calls for.
 */
@ApplicationScoped
public class AdminService {

    private final AuditLog audit;
    private final AccountService accounts;
    private final AccountQueries accountQueries;
    private final BillingService billing;
    private final BillingQueries billingQueries;
    private final CredentialService credentials;
    private final ApiTokenService tokens;
    private final PlanService plans;
    private final WorkspaceStates workspaces;

    AdminService(AuditLog audit, AccountService accounts, AccountQueries accountQueries, BillingService billing,
            BillingQueries billingQueries, CredentialService credentials, ApiTokenService tokens, PlanService plans,
            WorkspaceStates workspaces) {
        this.audit = audit;
        this.accounts = accounts;
        this.accountQueries = accountQueries;
        this.billing = billing;
        this.billingQueries = billingQueries;
        this.credentials = credentials;
        this.tokens = tokens;
        this.plans = plans;
        this.workspaces = workspaces;
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

    @Transactional
    public void suspend(Account admin, AuditLog.Via via, UUID accountId, String reason) {
        if (reason == null || reason.isBlank() || reason.length() > 500) {
            throw ProblemException.badRequest("reason", "is required (at most 500 characters)");
        }
        if (!PrintableText.printable(reason, true)) {
            throw ProblemException.badRequest("reason", PrintableText.NON_PRINTING);
        }
        if (admin.id.equals(accountId)) {
            throw ProblemException.badRequest("accountId", "you cannot suspend yourself");
        }
        Account target = accounts.lock(accountId);
        if (accounts.suspend(target)) {
            workspaces.suspendOwned(accountId, SuspensionReason.admin);
            audit.record(admin, via, "account.suspend", "account", accountId, target.username, reason.strip());
        }
    }

    @Transactional
    public void resume(Account admin, AuditLog.Via via, UUID accountId) {
        Account target = accounts.lock(accountId);
        if (!accounts.resume(target)) {
            return;
        }
        workspaces.resumeOwned(accountId, SuspensionReason.admin);
        // The debt's reason as billing has it now, for every workspace the account owns today.
        BillingQueries.Standing standing = billingQueries.standing(accountId);
        if (standing.inDebt()) {
            workspaces.suspendOwned(accountId, SuspensionReason.debt);
        } else {
            workspaces.resumeOwned(accountId, SuspensionReason.debt);
        }
        audit.record(admin, via, "account.resume", "account", accountId, target.username, standing.inDebt()
                ? "workspaces stay suspended: the account is in debt (" + standing.state() + ")"
                : "");
    }

    @Transactional
    public void changePlan(Account admin, AuditLog.Via via, UUID accountId, String planId) {
        Account target = accounts.lock(accountId);
        if (!plans.exists(planId)) {
            throw ProblemException.badRequest("planId", "names no plan");
        }
        String before = target.planId;
        if (accounts.changePlan(target, planId)) {
            workspaces.moveOwnedToPlan(accountId, planId);
            audit.record(admin, via, "account.plan", "account", accountId, target.username, before + " → " + planId);
        }
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
        boolean existed = plans.exists(id);
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
        return accountQueries.find(accountId).orElseThrow(() -> ProblemException.notFound("No account " + accountId));
    }
}
