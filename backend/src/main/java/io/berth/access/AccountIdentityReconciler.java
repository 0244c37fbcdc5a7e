package io.berth.access;

import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import io.berth.cluster.IdentityReconciler;
import io.berth.cluster.Reconciler;
import io.quarkus.narayana.jta.QuarkusTransaction;

/** Keeps each account's Kubernetes identity in line: present for active accounts, revoked for the others. */
@ApplicationScoped
public class AccountIdentityReconciler implements Reconciler {

    private final IdentityReconciler identities;
    private final EntityManager em;

    AccountIdentityReconciler(IdentityReconciler identities, EntityManager em) {
        this.identities = identities;
        this.em = em;
    }

    @Override
    public String prefix() {
        return "a";
    }

    record State(Account.Status status, int epoch) {
    }

    @Override
    public Outcome reconcile(UUID accountId) {
        State state = QuarkusTransaction.requiringNew().call(() -> {
            Account a = Account.findById(accountId);
            if (a == null) {
                return null;
            }
            AccountCredential c = AccountCredential.ensure(em, accountId);
            return new State(a.status, c.epoch);
        });
        if (state == null) {
            return Outcome.DONE;
        }
        if (state.status() == Account.Status.active) {
            identities.ensure(accountId, state.epoch());
        } else {
            identities.revokeAllBut(accountId, 0);
        }
        return Outcome.DONE;
    }

    @Override
    public List<UUID> pending() {
        return QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                "select a.id from Account a where not exists (select 1 from AccountCredential c where c.accountId = a.id)",
                UUID.class).getResultList());
    }

    @Override
    public List<UUID> all() {
        return QuarkusTransaction.requiringNew()
                .call(() -> em.createQuery("select a.id from Account a", UUID.class).getResultList());
    }
}
