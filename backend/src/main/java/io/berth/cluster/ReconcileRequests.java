package io.berth.cluster;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.berth.common.Sql;

/**
 * Asks the reconciler (on whichever backend instance leads) to bring the cluster in line with a change. The request
 * is a PostgreSQL NOTIFY in the caller's transaction, so it is delivered only if the change commits.
 */
@ApplicationScoped
public class ReconcileRequests {

    public static final String CHANNEL = "berth_reconcile";

    private final Sql sql;

    ReconcileRequests(Sql sql) {
        this.sql = sql;
    }

    public void workspace(UUID id) {
        notify(ReconcileKey.workspace(id));
    }

    public void account(UUID id) {
        notify(ReconcileKey.account(id));
    }

    private void notify(ReconcileKey key) {
        sql.one("SELECT pg_notify('" + CHANNEL + "', ?1)", key.toString());
    }
}
