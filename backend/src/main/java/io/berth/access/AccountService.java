package io.berth.access;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.jwt.JsonWebToken;

/** Keeps one account per identity, created on its first authenticated request. */
@ApplicationScoped
public class AccountService {

    private final EntityManager em;

    AccountService(EntityManager em) {
        this.em = em;
    }

    /**
     * The caller's account, created if this is their first request. Concurrent first requests of one identity
     * converge on one row (the insert does nothing on conflict).
     */
    @Transactional
    public Account ensure(JsonWebToken token) {
        String subject = token.getSubject();
        String username = firstNonBlank(token.getClaim("preferred_username"), subject);
        String email = token.getClaim("email");
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        em.createNativeQuery("""
                INSERT INTO account (id, subject, username, email, status, updated_at)
                VALUES (?1, ?2, ?3, ?4, 'active', ?5)
                ON CONFLICT (subject) DO UPDATE SET username = excluded.username, email = excluded.email,
                    updated_at = excluded.updated_at
                WHERE account.username IS DISTINCT FROM excluded.username
                   OR account.email IS DISTINCT FROM excluded.email
                """).setParameter(1, UUID.randomUUID()).setParameter(2, subject).setParameter(3, username)
                .setParameter(4, email).setParameter(5, now).executeUpdate();
        return Account.findBySubject(subject).orElseThrow();
    }

    private static String firstNonBlank(String a, String b) {
        return a != null && !a.isBlank() ? a : b;
    }
}
