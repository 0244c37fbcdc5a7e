package io.berth.cluster;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * A user's Kubernetes identity in the identity namespace: the ServiceAccount of the current credential epoch, with
 * no token of its own (tokens come from TokenRequest, bound to it). ServiceAccounts of other epochs are deleted,
 * which revokes every token issued for them.
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

    /** Ensures the ServiceAccount of this epoch exists; returns it. */
    public ServiceAccount ensure(UUID accountId, int epoch) {
        return client.resource(new ServiceAccountBuilder().withNewMetadata()
                .withName(Identities.serviceAccount(accountId, epoch)).withNamespace(config.identityNamespace())
                .addToLabels(WorkspaceManifests.MANAGED_BY, "berth")
                .addToLabels(ACCOUNT_LABEL, accountId.toString())
                .addToLabels(EPOCH_LABEL, Integer.toString(epoch))
                .addToAnnotations("berth.io/purpose",
                        "Kubernetes identity of a Berth user; deleting it revokes the tokens issued for it")
                .endMetadata().withAutomountServiceAccountToken(false).build())
                .fieldManager(WorkspaceReconciler.FIELD_MANAGER).forceConflicts().serverSideApply();
    }

    /** Deletes every ServiceAccount of the account but the given epoch's (all of them for epoch 0). */
    public void revokeAllBut(UUID accountId, int epoch) {
        for (ServiceAccount sa : client.serviceAccounts().inNamespace(config.identityNamespace())
                .withLabel(ACCOUNT_LABEL, accountId.toString()).list().getItems()) {
            if (!Integer.toString(epoch).equals(sa.getMetadata().getLabels().get(EPOCH_LABEL))) {
                client.resource(sa).delete();
            }
        }
    }
}
