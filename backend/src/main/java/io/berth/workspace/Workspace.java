package io.berth.workspace;

import java.time.OffsetDateTime;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.quarkus.hibernate.orm.panache.PanacheQuery;

/** A workspace: one namespace on the cluster, with members, a plan and a provisioning status. */
@Entity
@Table(name = "workspace")
public class Workspace extends PanacheEntityBase {

    public enum Status {
        provisioning, ready, error, deleting, deleted
    }

    @Id
    public UUID id;
    @Column(nullable = false, updatable = false)
    public String namespace;
    @Column(name = "display_name", nullable = false)
    public String displayName;
    @Column(name = "plan_id", nullable = false)
    public String planId;
    public boolean personal;
    @Column(name = "created_by", nullable = false, updatable = false)
    public UUID createdBy;
    @Enumerated(EnumType.STRING)
    public Status status = Status.provisioning;
    @Column(name = "status_reason")
    public String statusReason;
    public long generation = 1;
    @Column(name = "observed_generation")
    public long observedGeneration;
    @Column(name = "created_at", insertable = false, updatable = false)
    public OffsetDateTime createdAt;
    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;
    @Column(name = "deleted_at")
    public OffsetDateTime deletedAt;
    /**
     * Desired, one column per reason: the owner's account is in debt (the debt lifecycle's), or an admin suspended the
     * owner (the admin's). Either keeps workloads at zero and the quota at zero; each is lifted only by its own
     * reason's end. The table's {@code suspended} column is derived from the two (see V10).
     */
    @Column(name = "suspended_for_debt")
    public boolean suspendedForDebt;
    @Column(name = "suspended_by_admin")
    public boolean suspendedByAdmin;
    /** What the reconciler last made the cluster hold. */
    @Column(name = "workloads_suspended")
    public boolean workloadsSuspended;
    /** Workloads and volumes are to be deleted (the final step of the debt lifecycle). */
    @Column(name = "purge_requested")
    public boolean purgeRequested;

    public boolean isSuspended() {
        return suspendedForDebt || suspendedByAdmin;
    }

    public boolean isLive() {
        return status != Status.deleting && status != Status.deleted;
    }

    /** The workspaces an account owns that are not being deleted. */
    public static PanacheQuery<Workspace> ownedLiveBy(UUID ownerId) {
        return find("id in (select m.workspaceId from WorkspaceMember m where m.accountId = ?1 and m.role = ?2) "
                + "and status not in (?3, ?4)", ownerId, WorkspaceRole.owner, Status.deleting, Status.deleted);
    }
}
