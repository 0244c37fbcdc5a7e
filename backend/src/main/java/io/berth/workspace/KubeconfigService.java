package io.berth.workspace;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.berth.access.Account;
import io.berth.access.CredentialService;
import io.berth.access.KubeconfigConfig;
import io.berth.common.PrintableText;
import io.berth.common.RateLimiter;
import io.fabric8.kubernetes.api.model.AuthInfoBuilder;
import io.fabric8.kubernetes.api.model.ConfigBuilder;
import io.fabric8.kubernetes.api.model.NamedAuthInfoBuilder;
import io.fabric8.kubernetes.api.model.NamedClusterBuilder;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.api.model.NamedContextBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Kubeconfigs, made on demand and never stored: one context per workspace of the caller, all around a new token of
 * the caller's Kubernetes identity (access issues it).
 */
@ApplicationScoped
public class KubeconfigService {

    private static final YAMLMapper YAML = YAMLMapper.builder().enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .serializationInclusion(JsonInclude.Include.NON_EMPTY).build();

    private final CredentialService credentials;
    private final WorkspaceService workspaces;
    private final KubeconfigConfig config;
    private final KubernetesClient client;
    private final RateLimiter limiter;

    KubeconfigService(CredentialService credentials, WorkspaceService workspaces, KubeconfigConfig config,
            KubernetesClient client, RateLimiter limiter) {
        this.credentials = credentials;
        this.workspaces = workspaces;
        this.config = config;
        this.client = client;
        this.limiter = limiter;
    }

    public record Kubeconfig(String yaml, OffsetDateTime expiresAt, int contexts) {
    }

    /**
     * A kubeconfig with a token valid for {@code ttlSeconds} (the default when null); spends the account's
     * credential-issue limit.
     */
    public Kubeconfig kubeconfig(Account account, Long ttlSeconds) {
        limiter.check(RateLimiter.Limit.CREDENTIAL_ISSUE, account.id);
        CredentialService.IssuedToken token = credentials.issue(account, ttlSeconds);
        List<WorkspaceView> mine = workspaces.list(account);
        return new Kubeconfig(render(new Cluster(config.clusterName(), server(), caData()), account.username, mine,
                token), token.expiresAt(), mine.size());
    }

    /** Where the kubeconfig points: the cluster's name in the file, the API server, the CA to trust (base64 PEM). */
    record Cluster(String name, String server, String caData) {
    }

    /** The file: a header saying what it holds and until when, then the kubeconfig. Its current context is personal. */
    static String render(Cluster cluster, String username, List<WorkspaceView> mine,
            CredentialService.IssuedToken token) {
        // Keycloak chooses the username; a value the serializer writes, but without what would not print.
        String user = cluster.name() + "-" + PrintableText.strip(username);
        List<NamedContext> contexts = new ArrayList<>();
        String current = null;
        for (WorkspaceView ws : mine) {
            String name = cluster.name() + "-" + ws.namespace();
            contexts.add(new NamedContextBuilder().withName(name).withNewContext().withCluster(cluster.name())
                    .withUser(user).withNamespace(ws.namespace()).endContext().build());
            if (current == null || ws.personal()) {
                current = name;
            }
        }
        var kubeconfig = new ConfigBuilder().withApiVersion("v1").withKind("Config")
                .addToClusters(new NamedClusterBuilder().withName(cluster.name()).withNewCluster()
                        .withServer(cluster.server()).withCertificateAuthorityData(cluster.caData()).endCluster()
                        .build())
                .addToUsers(new NamedAuthInfoBuilder().withName(user)
                        .withUser(new AuthInfoBuilder().withToken(token.token()).build()).build())
                .withContexts(contexts).withCurrentContext(current).build();
        // Everything in the file is written by the serializer; the comment above it holds only what Berth makes
        // (context names, roles, the expiry), never a display name or a username: YAML ends a comment at any line
        // break, U+2028 and U+2029 included, so user text there could write keys of its own (a current-context, a
        // user with an exec plugin).
        StringBuilder out = new StringBuilder();
        out.append("# Berth kubeconfig, one context per workspace (the console lists them by name).\n");
        out.append("# The token expires at ").append(token.expiresAt())
                .append(" (UTC); rotate it in the console or with\n");
        out.append("# POST /api/v1/me/credentials/rotate. Keep this file private.\n");
        for (WorkspaceView ws : mine) {
            out.append("# context ").append(cluster.name()).append('-').append(ws.namespace()).append(": ")
                    .append(ws.role()).append('\n');
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
        return client.getConfiguration().getCaCertData();
    }
}
