package io.berth.access;

import java.time.OffsetDateTime;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/**
 * The state of an account's Kubernetes credential: its epoch (tokens are bound to the epoch's Secret) and when the
 * latest token was issued and expires. Tokens themselves are never stored.
 */
@Entity
@Table(name = "account_credential")
public class AccountCredential extends PanacheEntityBase {

    @Id
    @Column(name = "account_id")
    public UUID accountId;
    public int epoch = 1;
    @Column(name = "last_issued_at")
    public OffsetDateTime lastIssuedAt;
    @Column(name = "last_expires_at")
    public OffsetDateTime lastExpiresAt;
    @Column(name = "rotated_at")
    public OffsetDateTime rotatedAt;
    @Column(name = "revoked_by")
    public UUID revokedBy;
    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;
}
