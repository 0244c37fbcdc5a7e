package io.berth.access;

import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A Berth account: the local record of one Keycloak identity. */
@Entity
@Table(name = "account")
public class Account extends PanacheEntityBase {

    public enum Status {
        active, suspended, deleted
    }

    @Id
    public UUID id;

    /** The identity provider's subject ({@code sub}), stable for the life of the identity. */
    @Column(nullable = false, unique = true)
    public String subject;

    @Column(nullable = false)
    public String username;

    /**
     * The address the token carries, verified or not. Only a verified one ({@link #emailVerified}) stands for the
     * person: anyone can type any address into their own Keycloak account, so an unverified one never matches an
     * invitation and receives no mail.
     */
    public String email;

    /** Whether the identity provider verified {@link #email} (the token's {@code email_verified}). */
    @Column(name = "email_verified", nullable = false)
    public boolean emailVerified;

    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    public Status status = Status.active;

    @Column(name = "plan_id", nullable = false)
    public String planId = "free";

    /** IANA time zone of the account's statements and daily views; rating itself is by UTC hour. */
    @Column(nullable = false)
    public String timezone = "UTC";

    @Column(name = "created_at", nullable = false, insertable = false, updatable = false)
    public OffsetDateTime createdAt;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;

    public static Optional<Account> findBySubject(String subject) {
        return find("subject", subject).firstResultOptional();
    }
}
