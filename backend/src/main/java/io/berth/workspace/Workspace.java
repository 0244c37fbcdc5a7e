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
    /** Desired: the owner's account is in debt, so workloads run at zero and the quota is zero. */
    public boolean suspended;
    /** What the reconciler last made the cluster hold. */
    @Column(name = "workloads_suspended")
    public boolean workloadsSuspended;
    /** Workloads and volumes are to be deleted (the final step of the debt lifecycle). */
    @Column(name = "purge_requested")
    public boolean purgeRequested;

    public boolean isLive() {
        return status != Status.deleting && status != Status.deleted;
    }
}
