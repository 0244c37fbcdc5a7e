package io.berth.access;

import java.time.Duration;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** What goes into the kubeconfigs users download. */
@ConfigMapping(prefix = "berth.kubeconfig")
public interface KubeconfigConfig {

    /** The API server URL users reach; defaults to the one the backend uses. */
    Optional<String> server();

    /** PEM file of the CA users should trust for the API server; defaults to the backend's. */
    Optional<String> caFile();

    /** Cluster name in the kubeconfig. */
    @WithDefault("berth")
    String clusterName();

    /** Token lifetime when the user does not ask for one. */
    @WithDefault("7d")
    Duration defaultTtl();

    /** Longest token lifetime a user may ask for (the API server caps it again at its own maximum). */
    @WithDefault("30d")
    Duration maxTtl();

    /** Shortest token lifetime a user may ask for (TokenRequest refuses less than 10 minutes). */
    @WithDefault("10m")
    Duration minTtl();
}
