package io.berth.access;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.berth.billing.BillingService;
import io.berth.cluster.ReconcileRequests;
import io.berth.workspace.WorkspaceService;

/**
 * Keeps one account per identity. The first authenticated request of an identity creates its account, its personal
 * workspace and a request to provision its Kubernetes identity, all in one transaction.
 */
@ApplicationScoped
public class AccountService {

    private final EntityManager em;
    private final WorkspaceService workspaces;
    private final ReconcileRequests reconcile;
    private final BillingService billing;

    AccountService(EntityManager em, WorkspaceService workspaces, ReconcileRequests reconcile, BillingService billing) {
        this.em = em;
        this.workspaces = workspaces;
        this.reconcile = reconcile;
        this.billing = billing;
    }

    @Transactional
    public Account ensure(JsonWebToken token) {
        String subject = token.getSubject();
        String username = firstNonBlank(token.getClaim("preferred_username"), subject);
        String email = token.getClaim("email");
        Account existing = Account.findBySubject(subject).orElse(null);
        if (existing != null) {
            if (!Objects.equals(existing.username, username) || !Objects.equals(existing.email, email)) {
                existing.username = username;
                existing.email = email;
                existing.updatedAt = now();
            }
            return existing;
        }
        // Concurrent first requests of one identity: the loser's insert waits for the winner and does nothing.
        int inserted = em.createNativeQuery("""
                INSERT INTO account (id, subject, username, email, status, updated_at)
                VALUES (?1, ?2, ?3, ?4, 'active', ?5)
                ON CONFLICT (subject) DO NOTHING
                """).setParameter(1, UUID.randomUUID()).setParameter(2, subject).setParameter(3, username)
                .setParameter(4, email).setParameter(5, now()).executeUpdate();
        Account account = Account.findBySubject(subject).orElseThrow();
        if (inserted == 1) {
            workspaces.createPersonal(account);
            billing.signupCredit(account.id);
            reconcile.account(account.id);
        }
        return account;
    }

    /** Changes the account's time zone (statements and daily views); 400 naming the field for an unknown zone. */
    @Transactional
    public Account setTimezone(java.util.UUID accountId, String timezone) {
        if (timezone == null || timezone.isBlank()) {
            throw io.berth.common.ProblemException.badRequest("timezone", "is required, e.g. Europe/Berlin");
        }
        try {
            java.time.ZoneId.of(timezone.strip());
        } catch (RuntimeException e) {
            throw io.berth.common.ProblemException.badRequest("timezone", "is not a known IANA time zone");
        }
        Account a = Account.findById(accountId);
        a.timezone = timezone.strip();
        a.updatedAt = now();
        return a;
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }

    private static String firstNonBlank(String a, String b) {
        return a != null && !a.isBlank() ? a : b;
    }
}
