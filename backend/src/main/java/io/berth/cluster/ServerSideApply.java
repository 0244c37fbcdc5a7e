package io.berth.cluster;

import jakarta.enterprise.context.ApplicationScoped;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * How Berth writes what it manages on the cluster: server-side apply under one field manager that takes over any
 * field it sets, so applying the same object again is always safe and always wins.
 */
@ApplicationScoped
public class ServerSideApply {

    public static final String FIELD_MANAGER = "berth";
    /** The label every object Berth manages carries, with the value {@value #FIELD_MANAGER}. */
    public static final String MANAGED_BY = "app.kubernetes.io/managed-by";

    private final KubernetesClient client;

    ServerSideApply(KubernetesClient client) {
        this.client = client;
    }

    public <T extends HasMetadata> T apply(T object) {
        return client.resource(object).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
    }
}
