package io.berth.cluster;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.fabric8.kubernetes.client.KubernetesClient;

/** Ready when the API server answers its own readiness endpoint to the backend's credential. */
@Readiness
@ApplicationScoped
public class KubernetesHealthCheck implements HealthCheck {

    private final KubernetesClient client;

    KubernetesHealthCheck(KubernetesClient client) {
        this.client = client;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("kubernetes").withData("url", client.getMasterUrl().toString());
        try {
            String body = client.raw("/readyz");
            return response.status("ok".equals(body == null ? null : body.trim())).build();
        } catch (RuntimeException e) {
            return response.down().withData("error", e.getClass().getSimpleName() + ": " + e.getMessage()).build();
        }
    }
}
