package io.berth.workspace;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import io.berth.access.Account;
import io.berth.access.AccountQueries;
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
    private final WorkspaceStates states;
    private final AccountQueries accounts;
    private final Clock clock;

    MembershipService(EntityManager em, WorkspaceAccess access, WorkspaceStates states, AccountQueries accounts,
            Clock clock) {
        this.em = em;
        this.access = access;
        this.states = states;
        this.accounts = accounts;
        this.clock = clock;
    }

    @Transactional
    public List<MemberView> list(Account caller, UUID workspaceId) {
        access.require(workspaceId, caller.id, WorkspaceRole.viewer);
        List<WorkspaceMember> members = WorkspaceMember.list("workspaceId = ?1 order by createdAt", workspaceId);
        Map<UUID, Account> people = accounts.find(members.stream().map(m -> m.accountId).toList());
        return members.stream().filter(m -> people.containsKey(m.accountId))
                .map(m -> view(m, people.get(m.accountId))).toList();
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
            target.updatedAt = OffsetDateTime.now(clock);
            states.membersChanged(ws);
        }
        return view(target, accounts.find(accountId).orElseThrow());
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
        states.membersChanged(ws);
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
        current.updatedAt = OffsetDateTime.now(clock);
        em.flush(); // the one-owner index is checked per statement: demote before promoting
        next.role = WorkspaceRole.owner;
        next.updatedAt = OffsetDateTime.now(clock);
        states.membersChanged(ws);
        return list(caller, workspaceId);
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
