package io.berth.testing;

import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * Points a {@code @QuarkusTest} backend at the real stack: its PostgreSQL, Keycloak realm, Kubernetes API (as the
 * backend's own ServiceAccount), mail sink and top-up webhook secret. Use with {@code @QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)}
 * so every test class shares one Quarkus boot.
 */
public class RealStackResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        Map<String, String> env = RealStack.env();
        // The realm's redirect URIs name the stack's backend URL, so the backend under test listens there.
        String port = env.get("BERTH_URL").replaceFirst(".*:", "");
        // Notices are mailed for real, to the stack's mail sink, where tests read them (Mailbox).
        String smtp = env.get("MAIL_SMTP");
        return Map.ofEntries(Map.entry("quarkus.http.test-port", port),
                Map.entry("berth.workspaces.public-url", env.get("BERTH_URL")),
                Map.entry("quarkus.datasource.jdbc.url", env.get("DATABASE_URL")),
                Map.entry("quarkus.datasource.username", env.get("DATABASE_USER")),
                Map.entry("quarkus.datasource.password", env.get("DATABASE_PASSWORD")),
                Map.entry("quarkus.oidc.auth-server-url",
                        env.get("KEYCLOAK_URL") + "/realms/" + env.get("KEYCLOAK_REALM")),
                Map.entry("quarkus.oidc.credentials.secret", env.get("OIDC_CLIENT_SECRET")),
                Map.entry("berth.cluster.kubeconfig", env.get("BACKEND_KUBECONFIG")),
                Map.entry("berth.kubeconfig.server", env.get("KUBE_API_URL")),
                Map.entry("berth.kubeconfig.ca-file", env.get("KUBE_CA_FILE")),
                // The stack's own webhook secret, as dev/stack gives its backend: dev/topup signs with it.
                Map.entry("berth.billing.webhook-secret", RealStack.get("TOPUP_WEBHOOK_SECRET")),
                // Workspaces' hosts and their certificates, as dev/stack gives its backend.
                Map.entry("berth.apps.domain", env.get("APPS_DOMAIN")),
                Map.entry("berth.apps.ca-cert-file", env.get("APPS_CA_FILE")),
                Map.entry("berth.apps.ca-key-file", env.get("APPS_CA_KEY_FILE")),
                Map.entry("berth.notices.email", "true"), Map.entry("quarkus.mailer.mock", "false"),
                Map.entry("quarkus.mailer.host", smtp.replaceFirst(":.*", "")),
                Map.entry("quarkus.mailer.port", smtp.replaceFirst(".*:", "")));
    }

    @Override
    public void stop() {
        // The stack outlives one Quarkus boot; RealStack stops it when the JVM exits.
    }
}
