package io.berth.workspace;

import java.time.OffsetDateTime;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/**
 * A custom domain a workspace claims: pending until its DNS challenge was found, then verified (one workspace at most
 * has a domain verified). The challenge token is published in DNS, so it is no secret and stored as it is.
 */
@Entity
@Table(name = "workspace_domain")
public class WorkspaceDomain extends PanacheEntityBase {

    @Id
    public UUID id;
    @Column(name = "workspace_id", nullable = false)
    public UUID workspaceId;
    @Column(nullable = false)
    public String domain;
    @Column(nullable = false)
    public String token;
    @Column(name = "tls_secret_name")
    public String tlsSecretName;
    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;
    @Column(name = "verified_at")
    public OffsetDateTime verifiedAt;

    public boolean verified() {
        return verifiedAt != null;
    }
}
