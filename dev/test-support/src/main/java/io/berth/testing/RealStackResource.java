package io.berth.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points a {@code @QuarkusTest} backend at the real stack: its PostgreSQL, Keycloak realm and Kubernetes API (as the
 * backend's own ServiceAccount). Use with {@code @QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)}
 * so every test class shares one Quarkus boot.
 */
public class RealStackResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        Map<String, String> env = RealStack.env();
        return Map.of(
                "quarkus.datasource.jdbc.url", env.get("DATABASE_URL"),
                "quarkus.datasource.username", env.get("DATABASE_USER"),
                "quarkus.datasource.password", env.get("DATABASE_PASSWORD"),
                "quarkus.oidc.auth-server-url", env.get("KEYCLOAK_URL") + "/realms/" + env.get("KEYCLOAK_REALM"),
                "quarkus.oidc.credentials.secret", env.get("OIDC_CLIENT_SECRET"),
                "berth.cluster.kubeconfig", env.get("BACKEND_KUBECONFIG"),
                "berth.kubeconfig.server", env.get("KUBE_API_URL"),
                "berth.kubeconfig.ca-file", env.get("KUBE_CA_FILE"));
    }

    @Override
    public void stop() {
        // The stack outlives one Quarkus boot; RealStack stops it when the JVM exits.
    }
}
