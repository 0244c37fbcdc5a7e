package io.berth.workspace;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import io.berth.access.Account;
import io.berth.cluster.ReconcileRequests;
import io.berth.common.ProblemException;

/**
 * Members and their roles. Changes to one workspace run one at a time (row lock on the workspace); the owner changes
 * only through a transfer, so a workspace always has exactly one. Kubernetes access follows through the reconciler
 * (the member's RoleBinding), within a second or two.
 */
@ApplicationScoped
public class MembershipService {

    private final EntityManager em;
    private final WorkspaceAccess access;
    private final ReconcileRequests reconcile;

    MembershipService(EntityManager em, WorkspaceAccess access, ReconcileRequests reconcile) {
        this.em = em;
        this.access = access;
        this.reconcile = reconcile;
    }

    @Transactional
    public List<MemberView> list(Account caller, UUID workspaceId) {
        access.require(workspaceId, caller.id, WorkspaceRole.viewer);
        return em.createQuery("select m, a from WorkspaceMember m, Account a where a.id = m.accountId "
                + "and m.workspaceId = ?1 order by m.createdAt", Object[].class).setParameter(1, workspaceId)
                .getResultList().stream().map(row -> view((WorkspaceMember) row[0], (Account) row[1])).toList();
    }

    @Transactional
    public MemberView changeRole(Account caller, UUID workspaceId, UUID accountId, WorkspaceRole role) {
        if (role == null) {
            throw ProblemException.badRequest("role", "must be one of admin, developer, viewer");
        }
        if (role == WorkspaceRole.owner) {
            throw ProblemException.badRequest("role", "ownership changes hands only by a transfer");
        }
        Workspace ws = access.requireForUpdate(workspaceId, caller.id, WorkspaceRole.admin).workspace();
        WorkspaceMember target = member(workspaceId, accountId);
        if (target.role == WorkspaceRole.owner) {
            throw ProblemException.conflict("The owner's role changes only by transferring ownership");
        }
        if (target.role != role) {
            target.role = role;
            target.updatedAt = WorkspaceService.now();
            changed(ws);
        }
        return view(target, Account.findById(accountId));
    }

    /** Admins remove others; anyone may leave. The owner cannot leave without transferring first. */
    @Transactional
    public void remove(Account caller, UUID workspaceId, UUID accountId) {
        WorkspaceRole needed = caller.id.equals(accountId) ? WorkspaceRole.viewer : WorkspaceRole.admin;
        Workspace ws = access.requireForUpdate(workspaceId, caller.id, needed).workspace();
        WorkspaceMember target = member(workspaceId, accountId);
        if (target.role == WorkspaceRole.owner) {
            throw ProblemException.conflict("The owner cannot be removed; transfer ownership first");
        }
        target.delete();
        changed(ws);
    }

    /** The owner hands the workspace to another member and becomes an admin. */
    @Transactional
    public List<MemberView> transfer(Account caller, UUID workspaceId, UUID newOwnerId) {
        if (newOwnerId == null) {
            throw ProblemException.badRequest("accountId", "must name the member who becomes owner");
        }
        Workspace ws = access.requireForUpdate(workspaceId, caller.id, WorkspaceRole.owner).workspace();
        if (caller.id.equals(newOwnerId)) {
            throw ProblemException.badRequest("accountId", "you already own this workspace");
        }
        WorkspaceMember next = member(workspaceId, newOwnerId);
        WorkspaceMember current = member(workspaceId, caller.id);
        current.role = WorkspaceRole.admin;
        current.updatedAt = WorkspaceService.now();
        em.flush(); // the one-owner index is checked per statement: demote before promoting
        next.role = WorkspaceRole.owner;
        next.updatedAt = WorkspaceService.now();
        changed(ws);
        return list(caller, workspaceId);
    }

    /** Membership is part of the workspace's desired cluster state: a new generation for the reconciler. */
    private void changed(Workspace ws) {
        ws.generation++;
        ws.updatedAt = WorkspaceService.now();
        reconcile.workspace(ws.id);
    }

    private static WorkspaceMember member(UUID workspaceId, UUID accountId) {
        WorkspaceMember m = accountId == null
                ? null
                : WorkspaceMember.findById(new WorkspaceMember.Key(workspaceId, accountId));
        if (m == null) {
            throw ProblemException.notFound("No member " + accountId + " in this workspace");
        }
        return m;
    }

    static MemberView view(WorkspaceMember m, Account a) {
        return new MemberView(m.accountId, a.username, a.email, m.role, m.createdAt);
    }
}
