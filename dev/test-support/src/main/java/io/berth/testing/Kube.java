package io.berth.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/** Clients for the stack's real Kubernetes API. */
public final class Kube {

    private static KubernetesClient admin;

    private Kube() {
    }

    /** A client with the cluster-admin credential of the stack (system:masters). Test setup and assertions only. */
    public static synchronized KubernetesClient admin() {
        if (admin == null) {
            admin = fromKubeconfig(Path.of(RealStack.get("ADMIN_KUBECONFIG")));
        }
        return admin;
    }

    /** A client acting as {@code user} through impersonation, with no groups but system:authenticated. */
    public static KubernetesClient impersonating(String user) {
        Config config = Config.fromKubeconfig(read(Path.of(RealStack.get("ADMIN_KUBECONFIG"))));
        config.setImpersonateUsername(user);
        config.setImpersonateGroups("system:authenticated");
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    public static KubernetesClient fromKubeconfig(Path file) {
        return fromKubeconfigText(read(file));
    }

    public static KubernetesClient fromKubeconfigText(String kubeconfig) {
        return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig)).build();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
