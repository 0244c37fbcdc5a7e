package io.berth.access;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import io.berth.cluster.ClusterConfig;
import io.berth.cluster.ReconcileKey;
import io.berth.cluster.Reconciler;
import io.berth.cluster.ServerSideApply;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Each account's Kubernetes identity in the identity namespace: for an active account the ServiceAccount of its
 * current credential epoch, with no token of its own (tokens come from TokenRequest, bound to it); for any other
 * account none. ServiceAccounts of other epochs are deleted, which revokes every token issued for them.
 */
@ApplicationScoped
public class IdentityReconciler implements Reconciler {

    public static final String ACCOUNT_LABEL = "berth.io/account";
    public static final String EPOCH_LABEL = "berth.io/credential-epoch";

    private final KubernetesClient client;
    private final ServerSideApply applier;
    private final ClusterConfig config;
    private final CredentialService credentials;
    private final EntityManager em;

    IdentityReconciler(KubernetesClient client, ServerSideApply applier, ClusterConfig config,
            CredentialService credentials, EntityManager em) {
        this.em = em;
        this.client = client;
        this.applier = applier;
        this.config = config;
        this.credentials = credentials;
    }

    @Override
    public ReconcileKey.Kind kind() {
        return ReconcileKey.Kind.account;
    }

    record State(Account.Status status, int epoch) {
    }

    @Override
    public Outcome reconcile(UUID accountId) {
        State state = QuarkusTransaction.requiringNew().call(() -> {
            Account a = Account.findById(accountId);
            return a == null ? null : new State(a.status, credentials.credential(accountId).epoch);
        });
        if (state == null) {
            return Outcome.DONE;
        }
        if (state.status() == Account.Status.active) {
            ensure(accountId, state.epoch());
        } else {
            revokeAllBut(accountId, 0);
        }
        return Outcome.DONE;
    }

    @Override
    @Transactional
    public List<UUID> pending() {
        return em.createQuery("select a.id from Account a "
                + "where not exists (select 1 from AccountCredential c where c.accountId = a.id)", UUID.class)
                .getResultList();
    }

    @Override
    @Transactional
    public List<UUID> all() {
        return em.createQuery("select a.id from Account a", UUID.class).getResultList();
    }

    /** Ensures the ServiceAccount of this epoch exists; returns it. */
    public ServiceAccount ensure(UUID accountId, int epoch) {
        return applier.apply(new ServiceAccountBuilder().withNewMetadata()
                .withName(Identities.serviceAccount(accountId, epoch)).withNamespace(config.identityNamespace())
                .addToLabels(ServerSideApply.MANAGED_BY, ServerSideApply.FIELD_MANAGER)
                .addToLabels(ACCOUNT_LABEL, accountId.toString())
                .addToLabels(EPOCH_LABEL, Integer.toString(epoch))
                .addToAnnotations("berth.io/purpose",
                        "Kubernetes identity of a Berth user; deleting it revokes the tokens issued for it")
                .endMetadata().withAutomountServiceAccountToken(false).build());
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
