package io.berth.access;

import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;

import io.berth.cluster.ClusterConfig;
import io.berth.cluster.ReconcileRequests;
import io.berth.common.Problem;
import io.berth.common.ProblemException;
import io.berth.common.RateLimiter;
import io.berth.common.Sql;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * An account's Kubernetes credential: a TokenRequest token of the ServiceAccount of the account's current credential
 * epoch, issued on demand and never stored. Rotating (or an admin revoking) moves to a new epoch: the identity's
 * bindings move to the new ServiceAccount, so earlier tokens lose every permission at once, and the old ServiceAccount
 * is deleted, so the API server stops authenticating them.
 */
@ApplicationScoped
public class CredentialService {

    private final KubernetesClient client;
    private final IdentityReconciler identities;
    private final IdentityBindings bindings;
    private final KubeconfigConfig config;
    private final ClusterConfig cluster;
    private final ReconcileRequests reconcile;
    private final EntityManager em;
    private final Sql sql;
    private final RateLimiter limiter;
    private final Clock clock;

    CredentialService(KubernetesClient client, IdentityReconciler identities, IdentityBindings bindings,
            KubeconfigConfig config, ClusterConfig cluster, ReconcileRequests reconcile, EntityManager em, Sql sql,
            RateLimiter limiter, Clock clock) {
        this.client = client;
        this.identities = identities;
        this.bindings = bindings;
        this.config = config;
        this.cluster = cluster;
        this.reconcile = reconcile;
        this.em = em;
        this.sql = sql;
        this.limiter = limiter;
        this.clock = clock;
    }

    /** A token of the account's current identity, and when it expires. */
    public record IssuedToken(String token, OffsetDateTime expiresAt) {
    }

    public record CredentialStatus(int epoch, OffsetDateTime lastIssuedAt, OffsetDateTime lastExpiresAt,
            OffsetDateTime rotatedAt, String kubernetesUsername) {
    }

    /** A new token for the account, valid for {@code ttlSeconds} (the default when null); its issue is recorded. */
    public IssuedToken issue(Account account, Long ttlSeconds) {
        Duration ttl = ttl(ttlSeconds);
        int epoch = QuarkusTransaction.requiringNew().call(() -> credential(account.id).epoch);
        TokenRequest request = new TokenRequestBuilder().withNewSpec().withExpirationSeconds(ttl.toSeconds())
                .endSpec().build();
        TokenRequest issued = onCluster(() -> {
            try {
                return requestToken(account.id, epoch, request);
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    throw e;
                }
                // The reconciler has not made this epoch's identity yet (a new account, just rotated): make it now.
                identities.ensure(account.id, epoch);
                return requestToken(account.id, epoch, request);
            }
        });
        OffsetDateTime expiresAt = OffsetDateTime.parse(issued.getStatus().getExpirationTimestamp());
        QuarkusTransaction.requiringNew().run(() -> {
            AccountCredential c = credential(account.id);
            c.lastIssuedAt = OffsetDateTime.now(clock);
            c.lastExpiresAt = expiresAt;
            c.updatedAt = OffsetDateTime.now(clock);
        });
        return new IssuedToken(issued.getStatus().getToken(), expiresAt);
    }

    private TokenRequest requestToken(UUID accountId, int epoch, TokenRequest request) {
        return client.serviceAccounts().inNamespace(cluster.identityNamespace())
                .withName(Identities.serviceAccount(accountId, epoch)).tokenRequest(request);
    }

    public CredentialStatus status(Account account) {
        return QuarkusTransaction.requiringNew().call(() -> status(credential(account.id)));
    }

    /** The credential as it stands, without making its row (an account that never had one is at epoch 1). */
    @Transactional
    public CredentialStatus current(UUID accountId) {
        AccountCredential c = AccountCredential.findById(accountId);
        return c != null
                ? status(c)
                : new CredentialStatus(1, null, null, null,
                        Identities.username(cluster.identityNamespace(), accountId, 1));
    }

    /**
     * Revokes every token issued so far; the next kubeconfig download holds a new one. Spends the account's
     * credential-issue limit, like a kubeconfig.
     */
    public CredentialStatus rotate(Account account) {
        limiter.check(RateLimiter.Limit.CREDENTIAL_ISSUE, account.id);
        return moveEpoch(account.id, null);
    }

    /** An admin revokes all of a user's credentials. */
    public CredentialStatus revokeAll(UUID accountId, Account admin) {
        if (QuarkusTransaction.requiringNew().call(() -> Account.findById(accountId) == null)) {
            throw ProblemException.notFound("No account " + accountId);
        }
        return moveEpoch(accountId, admin.id);
    }

    /** The current credential epoch of each account (1 for an account that has had no credential yet). */
    public Map<UUID, Integer> epochs(Collection<UUID> accountIds) {
        Map<UUID, Integer> epochs = new HashMap<>();
        accountIds.forEach(id -> epochs.put(id, 1));
        if (!accountIds.isEmpty()) {
            AccountCredential.<AccountCredential>list("accountId in ?1", accountIds)
                    .forEach(c -> epochs.put(c.accountId, c.epoch));
        }
        return epochs;
    }

    private CredentialStatus moveEpoch(UUID accountId, UUID revokedBy) {
        int epoch = QuarkusTransaction.requiringNew().call(() -> {
            AccountCredential c = credential(accountId);
            em.lock(c, LockModeType.PESSIMISTIC_WRITE);
            em.refresh(c);
            c.epoch++;
            c.rotatedAt = OffsetDateTime.now(clock);
            c.revokedBy = revokedBy;
            c.lastIssuedAt = null;
            c.lastExpiresAt = null;
            c.updatedAt = OffsetDateTime.now(clock);
            // Should the cluster calls below fail, the reconciler finishes the revocation.
            reconcile.account(accountId);
            bindings.requestRebind(accountId);
            return c.epoch;
        });
        // New identity first, then every binding moves to it (old tokens lose all access at once), then the old
        // identity goes (its tokens stop authenticating).
        onCluster(() -> identities.ensure(accountId, epoch));
        onCluster(() -> bindings.rebind(accountId));
        onCluster(() -> identities.revokeAllBut(accountId, epoch));
        return QuarkusTransaction.requiringNew().call(() -> status(credential(accountId)));
    }

    /** The account's credential row, made (at epoch 1) if it has none yet; in the caller's transaction. */
    AccountCredential credential(UUID accountId) {
        sql.update("INSERT INTO account_credential (account_id) VALUES (?1) ON CONFLICT DO NOTHING", accountId);
        return AccountCredential.findById(accountId);
    }

    private CredentialStatus status(AccountCredential c) {
        return new CredentialStatus(c.epoch, c.lastIssuedAt, c.lastExpiresAt, c.rotatedAt,
                Identities.username(cluster.identityNamespace(), c.accountId, c.epoch));
    }

    private Duration ttl(Long ttlSeconds) {
        if (ttlSeconds == null) {
            return config.defaultTtl();
        }
        Duration ttl = Duration.ofSeconds(ttlSeconds);
        if (ttl.compareTo(config.minTtl()) < 0 || ttl.compareTo(config.maxTtl()) > 0) {
            throw ProblemException.badRequest("ttlSeconds", "must be between " + config.minTtl().toSeconds()
                    + " and " + config.maxTtl().toSeconds() + " seconds");
        }
        return ttl;
    }

    private static <T> T onCluster(Supplier<T> call) {
        try {
            return call.get();
        } catch (KubernetesClientException e) {
            throw new ProblemException(Problem.of(503, "Cluster unavailable",
                    "The Kubernetes API did not complete the request; try again shortly"));
        }
    }

    private static void onCluster(Runnable call) {
        onCluster(() -> {
            call.run();
            return null;
        });
    }
}
