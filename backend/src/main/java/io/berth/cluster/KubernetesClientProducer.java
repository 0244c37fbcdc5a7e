package io.berth.cluster;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/** The one Kubernetes client of the backend, authenticated as the backend's own ServiceAccount. */
public class KubernetesClientProducer {

    @Produces
    @Singleton
    KubernetesClient kubernetesClient(ClusterConfig config) {
        Config clientConfig = config.kubeconfig().map(KubernetesClientProducer::fromFile)
                .orElseGet(() -> Config.autoConfigure(null));
        clientConfig.setRequestTimeout(15_000);
        clientConfig.setConnectionTimeout(5_000);
        return new KubernetesClientBuilder().withConfig(clientConfig).build();
    }

    void close(@Disposes KubernetesClient client) {
        client.close();
    }

    private static Config fromFile(String path) {
        try {
            return Config.fromKubeconfig(Files.readString(Path.of(path)));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read berth.cluster.kubeconfig " + path, e);
        }
    }
}
