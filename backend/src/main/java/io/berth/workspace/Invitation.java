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

/** An invitation to join a workspace; its link token is stored only as a SHA-256 digest. */
@Entity
@Table(name = "invitation")
public class Invitation extends PanacheEntityBase {

    public enum Status {
        pending, accepted, declined, revoked
    }

    @Id
    public UUID id;
    @Column(name = "workspace_id", nullable = false)
    public UUID workspaceId;
    @Column(nullable = false)
    public String invitee;
    @Enumerated(EnumType.STRING)
    public WorkspaceRole role;
    @Column(name = "token_sha256", nullable = false)
    public byte[] tokenSha256;
    @Column(name = "invited_by", nullable = false)
    public UUID invitedBy;
    @Enumerated(EnumType.STRING)
    public Status status = Status.pending;
    @Column(name = "expires_at", nullable = false)
    public OffsetDateTime expiresAt;
    @Column(name = "created_at", insertable = false, updatable = false)
    public OffsetDateTime createdAt;
    @Column(name = "responded_at")
    public OffsetDateTime respondedAt;
    @Column(name = "responded_by")
    public UUID respondedBy;
}
