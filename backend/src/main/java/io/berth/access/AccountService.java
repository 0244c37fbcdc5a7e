package io.berth.access;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Objects;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.json.JsonValue;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.berth.cluster.ReconcileRequests;
import io.berth.common.ProblemException;
import io.berth.common.Sql;

/**
 * Keeps one account per identity, and every change to an account. The first authenticated request of an identity
 * creates its account and a request to provision its Kubernetes identity, and announces it ({@link AccountCreated})
 * so the other features set it up, all in one transaction.
 */
@ApplicationScoped
public class AccountService {

    private final Sql sql;
    private final ReconcileRequests reconcile;
    private final Event<AccountCreated> created;
    private final Clock clock;

    AccountService(Sql sql, ReconcileRequests reconcile, Event<AccountCreated> created, Clock clock) {
        this.sql = sql;
        this.reconcile = reconcile;
        this.created = created;
        this.clock = clock;
    }

    @Transactional
    public Account ensure(JsonWebToken token) {
        String subject = token.getSubject();
        String username = firstNonBlank(token.getClaim("preferred_username"), subject);
        String email = token.getClaim("email");
        boolean verified = email != null && emailVerified(token);
        Account existing = Account.findBySubject(subject).orElse(null);
        if (existing != null) {
            if (!Objects.equals(existing.username, username) || !Objects.equals(existing.email, email)
                    || existing.emailVerified != verified) {
                existing.username = username;
                existing.email = email;
                existing.emailVerified = verified;
                existing.updatedAt = OffsetDateTime.now(clock);
            }
            return existing;
        }
        // Concurrent first requests of one identity: the loser's insert waits for the winner and does nothing.
        int inserted = sql.update("""
                INSERT INTO account (id, subject, username, email, email_verified, status, updated_at)
                VALUES (?1, ?2, ?3, ?4, ?5, 'active', ?6)
                ON CONFLICT (subject) DO NOTHING
                """, UUID.randomUUID(), subject, username, email, verified, OffsetDateTime.now(clock));
        Account account = Account.findBySubject(subject).orElseThrow();
        if (inserted == 1) {
            created.fire(new AccountCreated(account.id, account.username, account.planId));
            reconcile.account(account.id);
        }
        return account;
    }

    /** Changes the account's time zone (statements and daily views); 400 naming the field for an unknown zone. */
    @Transactional
    public Account setTimezone(UUID accountId, String timezone) {
        if (timezone == null || timezone.isBlank()) {
            throw ProblemException.badRequest("timezone", "is required, e.g. Europe/Berlin");
        }
        try {
            ZoneId.of(timezone.strip());
        } catch (RuntimeException e) {
            throw ProblemException.badRequest("timezone", "is not a known IANA time zone");
        }
        Account a = Account.findById(accountId);
        a.timezone = timezone.strip();
        a.updatedAt = OffsetDateTime.now(clock);
        return a;
    }

    /**
     * The account, row-locked until the caller's transaction ends, so that what the caller does for it (create a
     * workspace within the plan's limit, redeem a voucher within the campaign's) happens one at a time; 404 if none.
     */
    @Transactional
    public Account lock(UUID accountId) {
        Account a = accountId == null ? null : Account.findById(accountId, LockModeType.PESSIMISTIC_WRITE);
        if (a == null) {
            throw ProblemException.notFound("No account " + accountId);
        }
        return a;
    }

    /**
     * An admin's suspension: the account can no longer sign in or use its API tokens, and its Kubernetes identity is
     * revoked. Returns false when it already was suspended. Its workspaces are the admin's to suspend.
     */
    @Transactional
    public boolean suspend(Account locked) {
        if (locked.status == Account.Status.deleted) {
            throw ProblemException.conflict("The account is deleted");
        }
        if (locked.status == Account.Status.suspended) {
            return false;
        }
        setStatus(locked, Account.Status.suspended);
        return true;
    }

    /** Lifts an admin's suspension; returns false when the account was not suspended. */
    @Transactional
    public boolean resume(Account locked) {
        if (locked.status != Account.Status.suspended) {
            return false;
        }
        setStatus(locked, Account.Status.active);
        return true;
    }

    /** Moves the account to another plan (which the caller has checked exists); returns false when it is on it. */
    @Transactional
    public boolean changePlan(Account locked, String planId) {
        if (locked.planId.equals(planId)) {
            return false;
        }
        locked.planId = planId;
        locked.updatedAt = OffsetDateTime.now(clock);
        return true;
    }

    private void setStatus(Account a, Account.Status status) {
        a.status = status;
        a.updatedAt = OffsetDateTime.now(clock);
        reconcile.account(a.id);
    }

    /**
     * The token's {@code email_verified}: only a JSON {@code true} counts (absent, false or anything else is
     * unverified). The claim arrives as a JSON value or a Boolean depending on how the token was parsed.
     */
    static boolean emailVerified(JsonWebToken token) {
        Object claim = token.getClaim("email_verified");
        return Boolean.TRUE.equals(claim) || JsonValue.TRUE.equals(claim);
    }

    private static String firstNonBlank(String a, String b) {
        return a != null && !a.isBlank() ? a : b;
    }
}
