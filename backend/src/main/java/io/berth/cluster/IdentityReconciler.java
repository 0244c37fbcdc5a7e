package io.berth.cluster;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * A user's Kubernetes identity in the identity namespace: the ServiceAccount {@code u-<account>} and the Secret of the
 * current credential epoch, which every token is bound to. Secrets of other epochs are deleted, which revokes every
 * token bound to them.
 */
@ApplicationScoped
public class IdentityReconciler {

    public static final String ACCOUNT_LABEL = "berth.io/account";
    public static final String EPOCH_LABEL = "berth.io/credential-epoch";

    private final KubernetesClient client;
    private final ClusterConfig config;

    IdentityReconciler(KubernetesClient client, ClusterConfig config) {
        this.client = client;
        this.config = config;
    }

    /** Ensures the identity for this epoch exists and no other epoch's Secret does; returns the live Secret. */
    public Secret ensure(UUID accountId, int epoch) {
        String ns = config.identityNamespace();
        client.resource(new ServiceAccountBuilder().withNewMetadata().withName(Identities.serviceAccount(accountId))
                .withNamespace(ns).addToLabels(WorkspaceManifests.MANAGED_BY, "berth")
                .addToLabels(ACCOUNT_LABEL, accountId.toString()).endMetadata()
                .withAutomountServiceAccountToken(false).build())
                .fieldManager(WorkspaceReconciler.FIELD_MANAGER).forceConflicts().serverSideApply();
        revokeAllBut(accountId, epoch);
        String name = Identities.credentialSecret(accountId, epoch);
        Secret secret = client.secrets().inNamespace(ns).withName(name).get();
        if (secret == null) {
            secret = client.resource(new SecretBuilder().withNewMetadata().withName(name).withNamespace(ns)
                    .addToLabels(WorkspaceManifests.MANAGED_BY, "berth")
                    .addToLabels(ACCOUNT_LABEL, accountId.toString())
                    .addToLabels(EPOCH_LABEL, Integer.toString(epoch))
                    .addToAnnotations("berth.io/purpose",
                            "Tokens of this user are bound to this Secret; deleting it revokes them")
                    .endMetadata().withType("Opaque").build()).create();
        }
        return secret;
    }

    /** Deletes every credential Secret of the account but the given epoch's (all of them for epoch 0). */
    public void revokeAllBut(UUID accountId, int epoch) {
        for (Secret s : client.secrets().inNamespace(config.identityNamespace())
                .withLabel(ACCOUNT_LABEL, accountId.toString()).list().getItems()) {
            if (!Integer.toString(epoch).equals(s.getMetadata().getLabels().get(EPOCH_LABEL))) {
                client.resource(s).delete();
            }
        }
    }
}
