package io.berth.token;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.berth.access.Account;
import io.berth.access.AccountQueries;
import io.berth.common.Hashes;
import io.berth.common.PrintableText;
import io.berth.common.ProblemException;
import io.berth.common.RateLimiter;
import io.berth.common.Sql;

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
    private final Sql sql;
    private final RateLimiter limiter;
    private final AccountQueries accounts;
    private final Clock clock;

    ApiTokenService(Sql sql, RateLimiter limiter, AccountQueries accounts, Clock clock) {
        this.sql = sql;
        this.limiter = limiter;
        this.accounts = accounts;
        this.clock = clock;
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
        if (n.isEmpty() || n.length() > 80) {
            throw ProblemException.badRequest("name", "is required: 1-80 characters");
        }
        if (!PrintableText.printable(name, false)) {
            throw ProblemException.badRequest("name", PrintableText.NON_PRINTING);
        }
        if (scopes == null || scopes.isEmpty()) {
            throw ProblemException.badRequest("scopes", "must name at least one of read, workspaces, billing");
        }
        OffsetDateTime now = OffsetDateTime.now(clock);
        if (expiresAt == null || !expiresAt.isAfter(now.plusMinutes(1))) {
            throw ProblemException.badRequest("expiresAt", "must be in the future");
        }
        if (expiresAt.isAfter(now.plus(MAX_LIFETIME))) {
            throw ProblemException.badRequest("expiresAt", "must be at most 366 days away");
        }
        limiter.check(RateLimiter.Limit.TOKEN_CREATE, owner.id);
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        UUID id = UUID.randomUUID();
        String display = token.substring(0, PREFIX.length() + 4);
        sql.update("""
                INSERT INTO api_token (id, account_id, name, display_prefix, token_sha256, scopes, created_at,
                                       expires_at)
                VALUES (?1, ?2, ?3, ?4, ?5, string_to_array(?6, ','), ?7, ?8)""", id, owner.id, n, display,
                Hashes.sha256(token), String.join(",", scopes.stream().map(Enum::name).sorted().toList()), now,
                expiresAt.withOffsetSameInstant(ZoneOffset.UTC));
        return new TokenView(id, n, display, EnumSet.copyOf(scopes), now, expiresAt, null, null, true, token);
    }

    @Transactional
    public List<TokenView> list(Account owner) {
        OffsetDateTime now = OffsetDateTime.now(clock);
        return sql.rows("""
                SELECT id, name, display_prefix, array_to_string(scopes, ','), created_at, expires_at, last_used_at,
                       revoked_at
                FROM api_token WHERE account_id = ?1 ORDER BY created_at DESC""", owner.id).stream()
                .map(r -> new TokenView(r.uuid(0), r.string(1), r.string(2), scopes(r.string(3)), r.time(4),
                        r.time(5), r.time(6), r.time(7), r.time(7) == null && r.time(5).isAfter(now), null))
                .toList();
    }

    /** Revokes one of the owner's tokens (idempotent); another account's token is not found. */
    @Transactional
    public void revoke(Account owner, UUID tokenId) {
        if (sql.number("SELECT count(*) FROM api_token WHERE id = ?1 AND account_id = ?2", tokenId, owner.id) == 0) {
            throw ProblemException.notFound("No API token " + tokenId);
        }
        sql.update("UPDATE api_token SET revoked_at = ?1 WHERE id = ?2 AND revoked_at IS NULL",
                OffsetDateTime.now(clock), tokenId);
    }

    /** The bearer a token speaks for, if it is known, not revoked, not expired and its account is active. */
    @Transactional
    public Optional<Bearer> authenticate(String token) {
        if (token == null || !token.startsWith(PREFIX) || token.length() > 100) {
            return Optional.empty();
        }
        OffsetDateTime now = OffsetDateTime.now(clock);
        Optional<Sql.Row> found = sql.first("""
                SELECT id, account_id, array_to_string(scopes, ','), last_used_at FROM api_token
                WHERE token_sha256 = ?1 AND revoked_at IS NULL AND expires_at > ?2""", Hashes.sha256(token), now);
        Optional<Account> account = found.flatMap(r -> accounts.find(r.uuid(1)))
                .filter(a -> a.status == Account.Status.active);
        if (account.isEmpty()) {
            return Optional.empty();
        }
        Sql.Row r = found.get();
        OffsetDateTime lastUsed = r.time(3);
        if (lastUsed == null || lastUsed.isBefore(now.minus(LAST_USED_PRECISION))) {
            sql.update("UPDATE api_token SET last_used_at = ?1 WHERE id = ?2", now, r.uuid(0));
        }
        return Optional.of(new Bearer(r.uuid(0), r.uuid(1), account.get().username, scopes(r.string(2))));
    }

    /** Revokes every token of an account (an admin revoking a user's credentials). Returns how many. */
    @Transactional
    public int revokeAll(UUID accountId) {
        return sql.update("UPDATE api_token SET revoked_at = ?1 WHERE account_id = ?2 AND revoked_at IS NULL",
                OffsetDateTime.now(clock), accountId);
    }

    /** How many of the account's tokens work now. */
    @Transactional
    public long activeCount(UUID accountId) {
        return sql.number("SELECT count(*) FROM api_token WHERE account_id = ?1 AND revoked_at IS NULL "
                + "AND expires_at > now()", accountId);
    }

    static Set<TokenScope> scopes(String commaSeparated) {
        Set<TokenScope> out = EnumSet.noneOf(TokenScope.class);
        for (String n : commaSeparated.split(",")) {
            if (!n.isBlank()) {
                out.add(TokenScope.valueOf(n.strip()));
            }
        }
        return out;
    }
}
