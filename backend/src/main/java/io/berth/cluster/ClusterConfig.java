package io.berth.cluster;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** How the backend reaches the Kubernetes API, and how it keeps the cluster matching the database. */
@ConfigMapping(prefix = "berth.cluster")
public interface ClusterConfig {

    /**
     * Kubeconfig of the backend's own ServiceAccount. When absent the client configures itself from the environment
     * (in-cluster service account, KUBECONFIG).
     */
    Optional<String> kubeconfig();

    /** The namespace holding every user's identity ServiceAccount and credential Secret. */
    @WithDefault("berth-users")
    String identityNamespace();

    /** The Pod Security Standards version workspaces pin (label pod-security.kubernetes.io/enforce-version). */
    @WithDefault("v1.36")
    String podSecurityVersion();

    Reconciler reconciler();

    interface Reconciler {
        /** Whether this instance competes to run the reconciler (tests of pure API logic may turn it off). */
        @WithDefault("true")
        boolean enabled();

        /** Parallel workers applying workspaces to the cluster. */
        @WithDefault("4")
        int workers();

        /** How often the leader looks for workspaces whose cluster state is behind the database. */
        @WithDefault("5s")
        Duration pendingScanInterval();

        /**
         * How often the leader re-applies every workspace and identity, repairing drift made behind Berth's back. Each
         * repair costs about ten API calls per workspace; on large platforms lengthen it.
         */
        @WithDefault("30m")
        Duration driftRepairInterval();

        /** Longest wait between retries of a failing workspace. */
        @WithDefault("60s")
        Duration maxBackoff();
    }
}
