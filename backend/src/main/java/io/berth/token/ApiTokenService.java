package io.berth.token;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.berth.access.Account;
import io.berth.common.ProblemException;
import io.berth.common.RateLimiter;

/**
 * Personal access tokens: {@code berth_pat_} and 43 random URL-safe characters (256 bits). Shown once when made;
 * stored only as SHA-256 (a database leak reveals no usable token, and the token has enough entropy that no salt is
 * needed); revocable; always with an expiry.
 */
@ApplicationScoped
public class ApiTokenService {

    public static final String PREFIX = "berth_pat_";
    static final Duration MAX_LIFETIME = Duration.ofDays(366);
    /** Recording every use would write on every API call; once a minute is precise enough to spot stale tokens. */
    private static final Duration LAST_USED_PRECISION = Duration.ofMinutes(1);

    private final SecureRandom random = new SecureRandom();
    private final EntityManager em;
    private final RateLimiter limiter;

    ApiTokenService(EntityManager em, RateLimiter limiter) {
        this.em = em;
        this.limiter = limiter;
    }

    @Schema(description = "A personal access token; the token itself is in the answer that creates it only")
    public record TokenView(UUID id, String name, @Schema(examples = "berth_pat_Xk3d…") String displayPrefix,
            Set<TokenScope> scopes, OffsetDateTime createdAt, OffsetDateTime expiresAt, OffsetDateTime lastUsedAt,
            OffsetDateTime revokedAt, boolean active,
            @Schema(description = "The token: shown only once, when it is made") String token) {
    }

    /** Who an accepted token speaks for. */
    public record Bearer(UUID tokenId, UUID accountId, String username, Set<TokenScope> scopes) {
    }

    @Transactional
    public TokenView create(Account owner, String name, Set<TokenScope> scopes, OffsetDateTime expiresAt) {
        String n = name == null ? "" : name.strip();
        if (n.isEmpty() || n.length() > 80 || n.codePoints().anyMatch(Character::isISOControl)) {
            throw ProblemException.badRequest("name", "is required: 1-80 characters, no control characters");
        }
        if (scopes == null || scopes.isEmpty()) {
            throw ProblemException.badRequest("scopes", "must name at least one of read, workspaces, billing");
        }
        OffsetDateTime now = now();
        if (expiresAt == null || !expiresAt.isAfter(now.plusMinutes(1))) {
            throw ProblemException.badRequest("expiresAt", "must be in the future");
        }
        if (expiresAt.isAfter(now.plus(MAX_LIFETIME))) {
            throw ProblemException.badRequest("expiresAt", "must be at most 366 days away");
        }
        limiter.check(RateLimiter.Limit.TOKEN_CREATE, "account:" + owner.id);
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        UUID id = UUID.randomUUID();
        String display = token.substring(0, PREFIX.length() + 4);
        em.createNativeQuery("""
                INSERT INTO api_token (id, account_id, name, display_prefix, token_sha256, scopes, created_at,
                                       expires_at)
                VALUES (?1, ?2, ?3, ?4, ?5, string_to_array(?6, ','), ?7, ?8)""").setParameter(1, id)
                .setParameter(2, owner.id)
                .setParameter(3, n).setParameter(4, display).setParameter(5, sha256(token))
                .setParameter(6, String.join(",", scopes.stream().map(Enum::name).sorted().toList()))
                .setParameter(7, now).setParameter(8, expiresAt.withOffsetSameInstant(ZoneOffset.UTC))
                .executeUpdate();
        return new TokenView(id, n, display, EnumSet.copyOf(scopes), now, expiresAt, null, null, true, token);
    }

    @Transactional
    @SuppressWarnings("unchecked")
    public List<TokenView> list(Account owner) {
        List<Object[]> rows = em
                .createNativeQuery(
                        """
                                SELECT id, name, display_prefix, array_to_string(scopes, ','), created_at, expires_at, last_used_at, revoked_at
                                FROM api_token WHERE account_id = ?1 ORDER BY created_at DESC""")
                .setParameter(1, owner.id)
                .getResultList();
        List<TokenView> out = new ArrayList<>();
        OffsetDateTime now = now();
        for (Object[] r : rows) {
            OffsetDateTime expires = utc(r[5]);
            OffsetDateTime revoked = utc(r[7]);
            out.add(new TokenView((UUID) r[0], (String) r[1], (String) r[2], scopes(r[3]), utc(r[4]), expires,
                    utc(r[6]), revoked, revoked == null && expires.isAfter(now), null));
        }
        return out;
    }

    /** Revokes one of the owner's tokens (idempotent); another account's token is not found. */
    @Transactional
    public void revoke(Account owner, UUID tokenId) {
        int found = ((Number) em.createNativeQuery("SELECT count(*) FROM api_token WHERE id = ?1 AND account_id = ?2")
                .setParameter(1, tokenId).setParameter(2, owner.id).getSingleResult()).intValue();
        if (found == 0) {
            throw ProblemException.notFound("No API token " + tokenId);
        }
        em.createNativeQuery("UPDATE api_token SET revoked_at = ?1 WHERE id = ?2 AND revoked_at IS NULL")
                .setParameter(1, now()).setParameter(2, tokenId).executeUpdate();
    }

    /** The bearer a token speaks for, if it is known, not revoked, not expired and its account is active. */
    @Transactional
    @SuppressWarnings("unchecked")
    public Optional<Bearer> authenticate(String token) {
        if (token == null || !token.startsWith(PREFIX) || token.length() > 100) {
            return Optional.empty();
        }
        List<Object[]> rows = em.createNativeQuery("""
                SELECT t.id, t.account_id, a.username, array_to_string(t.scopes, ','), t.last_used_at
                FROM api_token t JOIN account a ON a.id = t.account_id
                WHERE t.token_sha256 = ?1 AND t.revoked_at IS NULL AND t.expires_at > ?2 AND a.status = 'active'
                """).setParameter(1, sha256(token)).setParameter(2, now()).getResultList();
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        Object[] r = rows.get(0);
        OffsetDateTime lastUsed = utc(r[4]);
        if (lastUsed == null || lastUsed.isBefore(now().minus(LAST_USED_PRECISION))) {
            em.createNativeQuery("UPDATE api_token SET last_used_at = ?1 WHERE id = ?2").setParameter(1, now())
                    .setParameter(2, r[0]).executeUpdate();
        }
        return Optional.of(new Bearer((UUID) r[0], (UUID) r[1], (String) r[2], scopes(r[3])));
    }

    /** Revokes every token of an account (an admin revoking a user's credentials). Returns how many. */
    @Transactional
    public int revokeAll(UUID accountId) {
        return em.createNativeQuery("UPDATE api_token SET revoked_at = ?1 WHERE account_id = ?2 AND revoked_at IS NULL")
                .setParameter(1, now()).setParameter(2, accountId).executeUpdate();
    }

    private static Set<TokenScope> scopes(Object commaSeparated) {
        Set<TokenScope> out = EnumSet.noneOf(TokenScope.class);
        for (String n : commaSeparated.toString().split(",")) {
            if (!n.isBlank()) {
                out.add(TokenScope.valueOf(n.strip()));
            }
        }
        return out;
    }

    private static OffsetDateTime utc(Object value) {
        if (value == null) {
            return null;
        }
        if (value instanceof OffsetDateTime o) {
            return o.withOffsetSameInstant(ZoneOffset.UTC);
        }
        if (value instanceof java.time.Instant i) {
            return i.atOffset(ZoneOffset.UTC);
        }
        if (value instanceof java.sql.Timestamp t) {
            return t.toInstant().atOffset(ZoneOffset.UTC);
        }
        throw new IllegalStateException("unexpected time type " + value.getClass());
    }

    static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
