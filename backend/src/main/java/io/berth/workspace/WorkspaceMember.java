package io.berth.workspace;

import java.io.Serializable;
import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

@Entity
@Table(name = "workspace_member")
@IdClass(WorkspaceMember.Key.class)
public class WorkspaceMember extends PanacheEntityBase {

    public static class Key implements Serializable {
        public UUID workspaceId;
        public UUID accountId;

        public Key() {
        }

        public Key(UUID workspaceId, UUID accountId) {
            this.workspaceId = workspaceId;
            this.accountId = accountId;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(workspaceId, k.workspaceId)
                    && Objects.equals(accountId, k.accountId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(workspaceId, accountId);
        }
    }

    @Id
    @Column(name = "workspace_id")
    public UUID workspaceId;
    @Id
    @Column(name = "account_id")
    public UUID accountId;
    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public WorkspaceRole role;
    @Column(name = "created_at", insertable = false, updatable = false)
    public OffsetDateTime createdAt;
    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;
}
