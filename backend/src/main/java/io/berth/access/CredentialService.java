package io.berth.access;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.berth.cluster.Identities;
import io.berth.cluster.IdentityReconciler;
import io.berth.cluster.ReconcileRequests;
import io.berth.cluster.WorkspaceReconciler;
import io.berth.common.Problem;
import io.berth.common.ProblemException;
import io.berth.workspace.WorkspaceMember;
import io.berth.workspace.WorkspaceService;
import io.berth.workspace.WorkspaceView;
import io.fabric8.kubernetes.api.model.AuthInfoBuilder;
import io.fabric8.kubernetes.api.model.ConfigBuilder;
import io.fabric8.kubernetes.api.model.NamedAuthInfoBuilder;
import io.fabric8.kubernetes.api.model.NamedClusterBuilder;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.api.model.NamedContextBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequest;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Kubeconfigs made on demand and never stored. The credential is a TokenRequest token of the ServiceAccount of the
 * account's current credential epoch. Rotating (or an admin revoking) moves to a new epoch: the membership bindings
 * move to the new ServiceAccount, so earlier tokens lose every permission at once, and the old ServiceAccount is
 * deleted, so the API server stops authenticating them.
 */
@ApplicationScoped
public class CredentialService {

    private static final YAMLMapper YAML = YAMLMapper.builder().enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .serializationInclusion(JsonInclude.Include.NON_EMPTY).build();

    private final KubernetesClient client;
    private final IdentityReconciler identities;
    private final WorkspaceService workspaces;
    private final KubeconfigConfig config;
    private final ReconcileRequests reconcile;
    private final io.berth.cluster.ClusterConfig cluster;
    private final EntityManager em;
    private final WorkspaceReconciler reconciler;

    CredentialService(KubernetesClient client, IdentityReconciler identities, WorkspaceService workspaces,
            KubeconfigConfig config, ReconcileRequests reconcile, io.berth.cluster.ClusterConfig cluster,
            EntityManager em, WorkspaceReconciler reconciler) {
        this.reconciler = reconciler;
        this.client = client;
        this.identities = identities;
        this.workspaces = workspaces;
        this.config = config;
        this.reconcile = reconcile;
        this.cluster = cluster;
        this.em = em;
    }

    public record Kubeconfig(String yaml, OffsetDateTime expiresAt, int contexts) {
    }

    public record CredentialStatus(int epoch, OffsetDateTime lastIssuedAt, OffsetDateTime lastExpiresAt,
            OffsetDateTime rotatedAt, String kubernetesUsername) {
    }

    public Kubeconfig kubeconfig(Account account, Long ttlSeconds) {
        Duration ttl = ttl(ttlSeconds);
        int epoch = QuarkusTransaction.requiringNew().call(() -> credential(account.id).epoch);
        List<WorkspaceView> mine = workspaces.list(account);
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
            c.lastIssuedAt = now();
            c.lastExpiresAt = expiresAt;
            c.updatedAt = now();
        });
        return new Kubeconfig(render(account, mine, issued.getStatus().getToken(), expiresAt), expiresAt,
                mine.size());
    }

    private TokenRequest requestToken(UUID accountId, int epoch, TokenRequest request) {
        return client.serviceAccounts().inNamespace(cluster.identityNamespace())
                .withName(Identities.serviceAccount(accountId, epoch)).tokenRequest(request);
    }

    public CredentialStatus status(Account account) {
        return QuarkusTransaction.requiringNew().call(() -> {
            AccountCredential c = credential(account.id);
            return new CredentialStatus(c.epoch, c.lastIssuedAt, c.lastExpiresAt, c.rotatedAt,
                    Identities.username(cluster.identityNamespace(), account.id, c.epoch));
        });
    }

    /** Revokes every token issued so far; the next kubeconfig download holds a new one. */
    public CredentialStatus rotate(Account account) {
        return moveEpoch(account.id, null);
    }

    /** An admin revokes all of a user's credentials. */
    public CredentialStatus revokeAll(UUID accountId, Account admin) {
        if (Account.findById(accountId) == null) {
            throw ProblemException.notFound("No account " + accountId);
        }
        return moveEpoch(accountId, admin.id);
    }

    private CredentialStatus moveEpoch(UUID accountId, UUID revokedBy) {
        int epoch = QuarkusTransaction.requiringNew().call(() -> {
            AccountCredential c = credential(accountId);
            em.lock(c, jakarta.persistence.LockModeType.PESSIMISTIC_WRITE);
            em.refresh(c);
            c.epoch++;
            c.rotatedAt = now();
            c.revokedBy = revokedBy;
            c.lastIssuedAt = null;
            c.lastExpiresAt = null;
            c.updatedAt = now();
            // Should the cluster calls below fail, the reconciler finishes the revocation.
            reconcile.account(accountId);
            for (WorkspaceMember m : WorkspaceMember.<WorkspaceMember>list("accountId", accountId)) {
                reconcile.workspace(m.workspaceId);
            }
            return c.epoch;
        });
        // New identity first, then every membership binding moves to it (old tokens lose all access at once),
        // then the old identity goes (its tokens stop authenticating).
        onCluster(() -> identities.ensure(accountId, epoch));
        onCluster(() -> reconciler.rebind(accountId));
        onCluster(() -> identities.revokeAllBut(accountId, epoch));
        return QuarkusTransaction.requiringNew().call(() -> {
            AccountCredential c = credential(accountId);
            return new CredentialStatus(c.epoch, c.lastIssuedAt, c.lastExpiresAt, c.rotatedAt,
                    Identities.username(cluster.identityNamespace(), accountId, c.epoch));
        });
    }

    private AccountCredential credential(UUID accountId) {
        return AccountCredential.ensure(em, accountId);
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

    private String render(Account account, List<WorkspaceView> mine, String token, OffsetDateTime expiresAt) {
        String cluster = config.clusterName();
        String user = cluster + "-" + account.username;
        List<NamedContext> contexts = new ArrayList<>();
        String current = null;
        for (WorkspaceView ws : mine) {
            String name = cluster + "-" + ws.namespace();
            contexts.add(new NamedContextBuilder().withName(name).withNewContext().withCluster(cluster)
                    .withUser(user).withNamespace(ws.namespace()).endContext().build());
            if (current == null || ws.personal()) {
                current = name;
            }
        }
        var kubeconfig = new ConfigBuilder().withApiVersion("v1").withKind("Config")
                .addToClusters(new NamedClusterBuilder().withName(cluster).withNewCluster()
                        .withServer(server()).withCertificateAuthorityData(caData()).endCluster().build())
                .addToUsers(new NamedAuthInfoBuilder().withName(user)
                        .withUser(new AuthInfoBuilder().withToken(token).build()).build())
                .withContexts(contexts).withCurrentContext(current).build();
        StringBuilder out = new StringBuilder();
        out.append("# Berth kubeconfig for ").append(account.username).append(", one context per workspace.\n");
        out.append("# The token expires at ").append(expiresAt).append(" (UTC); rotate it in the console or with\n");
        out.append("# POST /api/v1/me/credentials/rotate. Keep this file private.\n");
        for (WorkspaceView ws : mine) {
            out.append("# context ").append(cluster).append('-').append(ws.namespace()).append(": ")
                    .append(ws.displayName().replaceAll("[\\r\\n]", " ")).append(" (").append(ws.role())
                    .append(")\n");
        }
        try {
            out.append(YAML.writeValueAsString(kubeconfig));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    private String server() {
        return config.server().orElseGet(() -> client.getConfiguration().getMasterUrl().replaceFirst("/$", ""));
    }

    private String caData() {
        if (config.caFile().isPresent()) {
            try {
                return Base64.getEncoder().encodeToString(Files.readAllBytes(Path.of(config.caFile().get())));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read berth.kubeconfig.ca-file", e);
            }
        }
        String data = client.getConfiguration().getCaCertData();
        return data != null ? data : null;
    }

    private static <T> T onCluster(java.util.function.Supplier<T> call) {
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

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
