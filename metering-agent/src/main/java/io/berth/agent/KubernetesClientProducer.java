package io.berth.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/** The agent's Kubernetes client: its own ServiceAccount in a cluster, or the kubeconfig named in the settings. */
public class KubernetesClientProducer {

    @Produces
    @Singleton
    KubernetesClient kubernetesClient(AgentConfig config) {
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
            throw new StartupException("berth.agent.kubeconfig", "cannot read " + path + ": " + e.getMessage());
        }
    }
}
