package io.berth.workspace;

import java.security.SecureRandom;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import io.berth.access.Account;
import io.berth.cluster.ReconcileRequests;
import io.berth.common.Problem;
import io.berth.common.ProblemException;
import io.berth.plan.Plan;

/**
 * Creating, listing, renaming and deleting workspaces. Every change is written to the database with a reconcile
 * request in the same transaction; the cluster follows asynchronously, so sign-up never waits for Kubernetes.
 */
@ApplicationScoped
public class WorkspaceService {

    private static final char[] NAME_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();
    private final SecureRandom random = new SecureRandom();
    private final EntityManager em;
    private final WorkspaceAccess access;
    private final ReconcileRequests reconcile;

    WorkspaceService(EntityManager em, WorkspaceAccess access, ReconcileRequests reconcile) {
        this.em = em;
        this.access = access;
        this.reconcile = reconcile;
    }

    /** The workspace every account gets at sign-up (called in the account's creating transaction). */
    @Transactional
    public Workspace createPersonal(Account owner) {
        return insert(owner, owner.username + "'s workspace", true);
    }

    @Transactional
    public WorkspaceView create(Account caller, String displayName) {
        String name = WorkspaceNames.displayName(displayName, "displayName");
        // Serialise this account's creations so the plan's limit holds under concurrent requests.
        Account locked = em.find(Account.class, caller.id, LockModeType.PESSIMISTIC_WRITE);
        Plan plan = Plan.findById(locked.planId);
        long owned = WorkspaceMember.count("accountId = ?1 and role = ?2 and workspaceId in "
                + "(select w.id from Workspace w where w.status not in (?3, ?4))", caller.id, WorkspaceRole.owner,
                Workspace.Status.deleting, Workspace.Status.deleted);
        if (owned >= plan.maxWorkspaces) {
            throw new ProblemException(Problem.of(403, "Workspace limit reached",
                    "The " + plan.name + " plan allows " + plan.maxWorkspaces + " workspaces; you own " + owned));
        }
        return WorkspaceView.of(insert(locked, name, false), WorkspaceRole.owner);
    }

    private Workspace insert(Account owner, String displayName, boolean personal) {
        Workspace ws = new Workspace();
        ws.id = UUID.randomUUID();
        ws.namespace = newNamespaceName();
        ws.displayName = WorkspaceNames.truncate(displayName);
        ws.planId = owner.planId;
        ws.personal = personal;
        ws.createdBy = owner.id;
        ws.createdAt = now();
        ws.updatedAt = now();
        ws.persist();
        WorkspaceMember m = new WorkspaceMember();
        m.workspaceId = ws.id;
        m.accountId = owner.id;
        m.role = WorkspaceRole.owner;
        m.updatedAt = now();
        m.persist();
        reconcile.workspace(ws.id);
        return ws;
    }

    /** A DNS-1123 label the user never chooses: {@code ws-} and 10 random characters (36^10 names). */
    private String newNamespaceName() {
        while (true) {
            StringBuilder sb = new StringBuilder("ws-");
            for (int i = 0; i < 10; i++) {
                sb.append(NAME_ALPHABET[random.nextInt(NAME_ALPHABET.length)]);
            }
            String name = sb.toString();
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
                .map(row -> WorkspaceView.of((Workspace) row[0], (WorkspaceRole) row[1])).toList();
    }

    @Transactional
    public WorkspaceView get(Account caller, UUID id) {
        WorkspaceAccess.Granted g = access.require(id, caller.id, WorkspaceRole.viewer);
        return WorkspaceView.of(g.workspace(), g.role());
    }

    @Transactional
    public WorkspaceView rename(Account caller, UUID id, String displayName) {
        String name = WorkspaceNames.displayName(displayName, "displayName");
        WorkspaceAccess.Granted g = access.requireForUpdate(id, caller.id, WorkspaceRole.admin);
        Workspace ws = g.workspace();
        if (!ws.displayName.equals(name)) {
            ws.displayName = name;
            ws.generation++;
            ws.updatedAt = now();
            reconcile.workspace(ws.id);
        }
        return WorkspaceView.of(ws, g.role());
    }

    /** Deletion revokes every member's access at once and removes the namespace with all it holds. */
    @Transactional
    public void delete(Account caller, UUID id) {
        Workspace ws = access.requireForUpdate(id, caller.id, WorkspaceRole.owner).workspace();
        ws.status = Workspace.Status.deleting;
        ws.statusReason = null;
        ws.generation++;
        ws.updatedAt = now();
        Invitation.update("status = ?1, respondedAt = ?2 where workspaceId = ?3 and status = ?4",
                Invitation.Status.revoked, now(), id, Invitation.Status.pending);
        reconcile.workspace(ws.id);
    }

    static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
