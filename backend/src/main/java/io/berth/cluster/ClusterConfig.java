package io.berth.cluster;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;

/** How the backend reaches the Kubernetes API it provisions workspaces on. */
@ConfigMapping(prefix = "berth.cluster")
public interface ClusterConfig {

    /**
     * Kubeconfig of the backend's own ServiceAccount. When absent the client configures itself from the environment
     * (in-cluster service account, KUBECONFIG).
     */
    Optional<String> kubeconfig();
}
