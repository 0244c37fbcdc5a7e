package io.berth.workspace;

import java.security.SecureRandom;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import io.berth.access.Account;
import io.berth.access.AccountCreated;
import io.berth.access.AccountService;
import io.berth.common.Problem;
import io.berth.common.ProblemException;
import io.berth.common.RateLimiter;
import io.berth.plan.PlanService;
import io.berth.plan.PlanView;

/**
 * Creating, listing, renaming and deleting workspaces. Every change is written to the database with a reconcile
 * request in the same transaction; the cluster follows asynchronously, so sign-up never waits for Kubernetes.
 */
@ApplicationScoped
public class WorkspaceService {

    private final SecureRandom random = new SecureRandom();
    private final EntityManager em;
    private final WorkspaceAccess access;
    private final WorkspaceStates states;
    private final AccountService accounts;
    private final PlanService plans;
    private final RateLimiter limiter;
    private final AppsConfig apps;

    WorkspaceService(EntityManager em, WorkspaceAccess access, WorkspaceStates states, AccountService accounts,
            PlanService plans, RateLimiter limiter, AppsConfig apps) {
        this.apps = apps;
        this.em = em;
        this.access = access;
        this.states = states;
        this.accounts = accounts;
        this.plans = plans;
        this.limiter = limiter;
    }

    /** The workspace every account gets at sign-up, in the account's creating transaction. */
    void createPersonal(@Observes AccountCreated account) {
        insert(account.accountId(), account.planId(), account.username() + "'s workspace", true);
    }

    @Transactional
    public WorkspaceView create(Account caller, String displayName) {
        limiter.check(RateLimiter.Limit.WORKSPACE_CREATE, caller.id);
        String name = WorkspaceNames.displayName(displayName, "displayName");
        // Serialise this account's creations so the plan's limit holds under concurrent requests.
        Account locked = accounts.lock(caller.id);
        PlanView plan = plans.get(locked.planId);
        long owned = Workspace.ownedLiveBy(caller.id).count();
        if (owned >= plan.maxWorkspaces()) {
            throw new ProblemException(Problem.of(403, "Workspace limit reached",
                    "The " + plan.name() + " plan allows " + plan.maxWorkspaces() + " workspaces; you own " + owned));
        }
        return WorkspaceView.of(insert(locked.id, locked.planId, name, false), WorkspaceRole.owner, apps);
    }

    private Workspace insert(UUID ownerId, String planId, String displayName, boolean personal) {
        Workspace ws = states.create(ownerId, planId, unusedNamespace(), WorkspaceNames.truncate(displayName),
                personal);
        WorkspaceMember m = new WorkspaceMember();
        m.workspaceId = ws.id;
        m.accountId = ownerId;
        m.role = WorkspaceRole.owner;
        m.updatedAt = ws.createdAt;
        m.persist();
        return ws;
    }

    private String unusedNamespace() {
        while (true) {
            String name = WorkspaceNames.newNamespace(random);
            if (Workspace.count("namespace", name) == 0) {
                return name;
            }
        }
    }

    @Transactional
    public List<WorkspaceView> list(Account caller) {
        return em.createQuery("select w, m.role from Workspace w, WorkspaceMember m where m.workspaceId = w.id "
                + "and m.accountId = ?1 and w.status not in (?2, ?3) order by w.createdAt", Object[].class)
                .setParameter(1, caller.id).setParameter(2, Workspace.Status.deleting)
                .setParameter(3, Workspace.Status.deleted).getResultList().stream()
                .map(row -> WorkspaceView.of((Workspace) row[0], (WorkspaceRole) row[1], apps)).toList();
    }

    @Transactional
    public WorkspaceView get(Account caller, UUID id) {
        WorkspaceAccess.Granted g = access.require(id, caller.id, WorkspaceRole.viewer);
        return WorkspaceView.of(g.workspace(), g.role(), apps);
    }

    @Transactional
    public WorkspaceView rename(Account caller, UUID id, String displayName) {
        String name = WorkspaceNames.displayName(displayName, "displayName");
        WorkspaceAccess.Granted g = access.requireForUpdate(id, caller.id, WorkspaceRole.admin);
        states.rename(g.workspace(), name);
        return WorkspaceView.of(g.workspace(), g.role(), apps);
    }

    /** Deletion revokes every member's access at once and removes the namespace with all it holds. */
    @Transactional
    public void delete(Account caller, UUID id) {
        Workspace ws = access.requireForUpdate(id, caller.id, WorkspaceRole.owner).workspace();
        states.delete(ws);
        Invitation.update("status = ?1, respondedAt = ?2 where workspaceId = ?3 and status = ?4",
                Invitation.Status.revoked, ws.updatedAt, id, Invitation.Status.pending);
    }
}
