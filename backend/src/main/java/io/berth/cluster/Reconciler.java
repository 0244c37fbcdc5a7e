package io.berth.cluster;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

/** One kind of thing the reconcile loop keeps in line with the database: workspaces, or accounts' identities. */
public interface Reconciler {

    /** The keys this reconciler owns. */
    ReconcileKey.Kind kind();

    /** Makes the cluster match the database for one id; idempotent. Throws to be retried with backoff. */
    Outcome reconcile(UUID id);

    /** Ids whose cluster state is known to be behind the database. */
    List<UUID> pending();

    /** Every id that should exist on the cluster, for the periodic drift repair. */
    List<UUID> all();

    sealed interface Outcome {
        Outcome DONE = new Done();

        static Outcome checkAgainAfter(Duration delay) {
            return new CheckAgainAfter(delay);
        }

        record Done() implements Outcome {
        }

        record CheckAgainAfter(Duration delay) implements Outcome {
        }
    }
}
