package io.berth.workspace;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;

import io.berth.cluster.ReconcileRequests;
import io.berth.plan.PlanChanged;

/**
 * The one writer of a workspace's state. Desired state, in the caller's transaction: every change (name, members,
 * plan, suspension and why, purge, deletion) bumps the generation and asks the reconciler, so the cluster follows
 * within a second and a missed request is found by the generation alone. Observed state, in a transaction of its
 * own: what the reconciler reports it applied, could not apply, or deleted.
 */
@ApplicationScoped
public class WorkspaceStates {

    private final ReconcileRequests reconcile;
    private final Clock clock;

    WorkspaceStates(ReconcileRequests reconcile, Clock clock) {
        this.reconcile = reconcile;
        this.clock = clock;
    }

    /** A new workspace at generation 1, provisioning, on its owner's plan. */
    Workspace create(UUID ownerId, String planId, String namespace, String displayName, boolean personal) {
        Workspace ws = new Workspace();
        ws.id = UUID.randomUUID();
        ws.namespace = namespace;
        ws.displayName = displayName;
        ws.planId = planId;
        ws.personal = personal;
        ws.createdBy = ownerId;
        ws.createdAt = now();
        ws.updatedAt = now();
        ws.persist();
        reconcile.workspace(ws.id);
        return ws;
    }

    void rename(Workspace ws, String displayName) {
        if (!ws.displayName.equals(displayName)) {
            ws.displayName = displayName;
            changed(ws);
        }
    }

    /** Membership is part of the desired state: every member has a RoleBinding. */
    void membersChanged(Workspace ws) {
        changed(ws);
    }

    /** The verified custom domains are desired state: the namespace's annotation and the Gateway's listeners. */
    void domainsChanged(Workspace ws) {
        changed(ws);
    }

    /** Every member loses access at once, then the namespace goes with all it holds. */
    void delete(Workspace ws) {
        ws.status = Workspace.Status.deleting;
        ws.statusReason = null;
        changed(ws);
    }

    /** Suspends, for this reason, every workspace the account owns: workloads to zero, quota zero. */
    @Transactional
    public void suspendOwned(UUID ownerId, SuspensionReason reason) {
        for (Workspace ws : Workspace.ownedLiveBy(ownerId).<Workspace>list()) {
            if (!suspendedFor(ws, reason)) {
                setSuspendedFor(ws, reason, true);
                changed(ws);
            }
        }
    }

    /**
     * Lifts this reason from every workspace the account owns; those with no reason left run again. A purge belongs
     * to the debt: lifting the debt cancels it.
     */
    @Transactional
    public void resumeOwned(UUID ownerId, SuspensionReason reason) {
        for (Workspace ws : Workspace.ownedLiveBy(ownerId).<Workspace>list()) {
            boolean purgeCancelled = reason == SuspensionReason.debt && ws.purgeRequested;
            if (suspendedFor(ws, reason) || purgeCancelled) {
                setSuspendedFor(ws, reason, false);
                if (purgeCancelled) {
                    ws.purgeRequested = false;
                }
                changed(ws);
            }
        }
    }

    /** The last step of the debt lifecycle: the workloads, Services and volumes of the owner's workspaces go. */
    @Transactional
    public void purgeOwned(UUID ownerId) {
        for (Workspace ws : Workspace.ownedLiveBy(ownerId).<Workspace>list()) {
            if (!ws.purgeRequested) {
                ws.purgeRequested = true;
                changed(ws);
            }
        }
    }

    /** The workspaces an account owns follow it to another plan. */
    @Transactional
    public void moveOwnedToPlan(UUID ownerId, String planId) {
        for (Workspace ws : Workspace.ownedLiveBy(ownerId).<Workspace>list()) {
            if (!ws.planId.equals(planId)) {
                ws.planId = planId;
                changed(ws);
            }
        }
    }

    /** A plan's quotas changed: every workspace on it re-applies them. */
    void planChanged(@Observes PlanChanged event) {
        for (Workspace ws : Workspace.<Workspace>list("planId = ?1 and status not in (?2, ?3)", event.planId(),
                Workspace.Status.deleting, Workspace.Status.deleted)) {
            changed(ws);
        }
    }

    /** The reconciler applied this generation; unless the workspace is being deleted meanwhile, it is ready. */
    @Transactional
    void applied(UUID id, long generation, boolean workloadsSuspended) {
        Workspace.update("status = ?1, statusReason = null, observedGeneration = ?2, updatedAt = ?3, "
                + "workloadsSuspended = ?4 where id = ?5 and status not in (?6, ?7)", Workspace.Status.ready,
                generation, now(), workloadsSuspended, id, Workspace.Status.deleting, Workspace.Status.deleted);
    }

    /** The reconciler could not apply the workspace and retries; the reason is what its members see meanwhile. */
    @Transactional
    void failed(UUID id, String reason) {
        Workspace.update("status = ?1, statusReason = ?2, updatedAt = ?3 where id = ?4 and status not in (?5, ?6)",
                Workspace.Status.error, reason.length() > 500 ? reason.substring(0, 500) : reason, now(), id,
                Workspace.Status.deleting, Workspace.Status.deleted);
    }

    /** Once the namespace is gone, so are the workspace's custom domains: another workspace may verify them. */
    @Transactional
    void deleted(UUID id) {
        Workspace.update("status = ?1, deletedAt = ?2, updatedAt = ?2 where id = ?3", Workspace.Status.deleted,
                now(), id);
        WorkspaceDomain.delete("workspaceId", id);
    }

    private void changed(Workspace ws) {
        ws.generation++;
        ws.updatedAt = now();
        reconcile.workspace(ws.id);
    }

    private static boolean suspendedFor(Workspace ws, SuspensionReason reason) {
        return reason == SuspensionReason.debt ? ws.suspendedForDebt : ws.suspendedByAdmin;
    }

    private static void setSuspendedFor(Workspace ws, SuspensionReason reason, boolean suspended) {
        if (reason == SuspensionReason.debt) {
            ws.suspendedForDebt = suspended;
        } else {
            ws.suspendedByAdmin = suspended;
        }
    }

    private OffsetDateTime now() {
        return OffsetDateTime.now(clock);
    }
}
