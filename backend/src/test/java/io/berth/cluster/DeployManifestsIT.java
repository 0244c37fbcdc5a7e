package io.berth.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.berth.testing.Kubectl;
import io.berth.testing.RealStack;

/**
 * deploy/cluster, deploy/network and deploy/gateway are valid for the real API server, and the backend's and the policy controller's
 * own rights are only what they need.
 */
class DeployManifestsIT {

    private static final String BACKEND = "system:serviceaccount:berth-system:berth-backend";

    private final Kubectl admin = Kubectl.withKubeconfig(read(RealStack.get("ADMIN_KUBECONFIG")));

    @Test
    void deployClusterPassesAServerSideDryRunApply() {
        Kubectl.Result r = admin.run("apply", "--server-side", "--force-conflicts", "--dry-run=server", "-f",
                RealStack.root().resolve("deploy/cluster").toString());
        assertThat(r.ok()).as(r.output()).isTrue();
        assertThat(r.stdout()).contains(
                "clusterrole.rbac.authorization.k8s.io/berth:workspace-owner serverside-applied (server dry run)",
                "mutatingadmissionpolicy.admissionregistration.k8s.io/berth-pod-secure-defaults serverside-applied (server dry run)",
                "validatingadmissionpolicy.admissionregistration.k8s.io/berth-managed-objects-guard serverside-applied (server dry run)",
                "mutatingadmissionpolicy.admissionregistration.k8s.io/berth-service-cluster-ip-marker serverside-applied (server dry run)",
                "validatingadmissionpolicy.admissionregistration.k8s.io/berth-token-guard serverside-applied (server dry run)",
                "validatingadmissionpolicy.admissionregistration.k8s.io/berth-route-guard serverside-applied (server dry run)",
                "flowschema.flowcontrol.apiserver.k8s.io/berth-backend serverside-applied (server dry run)",
                "prioritylevelconfiguration.flowcontrol.apiserver.k8s.io/berth-tenants serverside-applied (server dry run)");
    }

    @Test
    void deployNetworkPassesAServerSideDryRunAndThePolicyControllerMayOnlyRead() {
        Kubectl.Result r = admin.run("apply", "--server-side", "--force-conflicts", "--dry-run=server", "-k",
                RealStack.root().resolve("deploy/network").toString());
        assertThat(r.ok()).as(r.output()).isTrue();
        assertThat(r.stdout()).contains("daemonset.apps/berth-network-policy serverside-applied (server dry run)",
                "daemonset.apps/berth-node-guard serverside-applied (server dry run)",
                "configmap/berth-node-guard serverside-applied (server dry run)");
        String controller = "system:serviceaccount:kube-system:berth-network-policy";
        for (String allowed : new String[]{"list pods -A", "watch networkpolicies.networking.k8s.io -A",
                "get nodes"}) {
            assertThat(admin.run(("auth can-i " + allowed + " --as=" + controller).split(" ")).stdout().strip())
                    .as(allowed).isEqualTo("yes");
        }
        for (String denied : new String[]{"create networkpolicies.networking.k8s.io -n default", "get secrets -A",
                "patch nodes", "create pods -n default"}) {
            assertThat(admin.run(("auth can-i " + denied + " --as=" + controller).split(" ")).stdout().strip())
                    .as(denied).isEqualTo("no");
        }
    }

    @Test
    void theGatewayPassesBerthSystemsRestrictedPodSecurityAndMayWriteOnlyRouteStatus() {
        Kubectl.Result r = admin.run("apply", "--server-side", "--force-conflicts", "--dry-run=server", "-k",
                RealStack.root().resolve("deploy/gateway").toString());
        assertThat(r.ok()).as(r.output()).isTrue();
        assertThat(r.stdout()).contains("daemonset.apps/berth-gateway serverside-applied (server dry run)",
                "gatewayclass.gateway.networking.k8s.io/berth serverside-applied (server dry run)");
        assertThat(r.stderr()).doesNotContain("violate PodSecurity");
        String gateway = "system:serviceaccount:berth-system:berth-gateway";
        for (String allowed : new String[]{"watch httproutes.gateway.networking.k8s.io -A",
                "update httproutes.gateway.networking.k8s.io -n ws-any --subresource=status",
                "list endpointslices.discovery.k8s.io -A",
                "get secrets -n ws-any"}) {
            assertThat(admin.run(("auth can-i " + allowed + " --as=" + gateway).split(" ")).stdout().strip())
                    .as(allowed).isEqualTo("yes");
        }
        for (String denied : new String[]{"update httproutes.gateway.networking.k8s.io -n ws-any",
                "create secrets -n ws-any", "patch services -n ws-any", "create pods -n berth-system",
                "update gateways.gateway.networking.k8s.io -n ws-any"}) {
            assertThat(admin.run(("auth can-i " + denied + " --as=" + gateway).split(" ")).stdout().strip())
                    .as(denied).isEqualTo("no");
        }
    }

    @Test
    void theBackendDeploymentPassesAServerSideDryRunApplyWithoutPodSecurityWarnings() {
        Kubectl.Result r = admin.run("apply", "--server-side", "--dry-run=server", "-f",
                RealStack.root().resolve("deploy/backend").toString());
        assertThat(r.ok()).as(r.output()).isTrue();
        assertThat(r.stdout()).contains("deployment.apps/berth-backend serverside-applied (server dry run)");
        assertThat(r.stderr()).doesNotContain("violate PodSecurity");
    }

    @Test
    void theBackendCanProvisionWorkspacesAndIdentities() {
        assertThat(canI("create", "namespaces", null)).isTrue();
        assertThat(canI("create", "resourcequotas", "ws-any")).isTrue();
        assertThat(canI("create", "networkpolicies.networking.k8s.io", "ws-any")).isTrue();
        assertThat(canI("create", "rolebindings.rbac.authorization.k8s.io", "ws-any")).isTrue();
        assertThat(canI("bind", "clusterroles.rbac.authorization.k8s.io/berth:workspace-admin", null)).isTrue();
        assertThat(canI("create", "serviceaccounts/token", "berth-users")).isTrue();
        assertThat(canI("delete", "secrets", "berth-users")).isTrue();
        assertThat(canI("create", "secrets/berth-apps-tls", "ws-any")).isTrue();
        assertThat(canI("patch", "gateways.gateway.networking.k8s.io/berth-apps", "ws-any")).isTrue();
    }

    @Test
    void theBackendCannotReadTenantSecretsImpersonateOrEscalate() {
        assertThat(canI("get", "secrets", "ws-any")).isFalse();
        // Only the apps certificate it makes, by name.
        assertThat(canI("get", "secrets/db-password", "ws-any")).isFalse();
        assertThat(canI("create", "gateways.gateway.networking.k8s.io/other", "ws-any")).isFalse();
        assertThat(canI("create", "pods/exec", "ws-any")).isFalse();
        assertThat(canI("impersonate", "users", null)).isFalse();
        assertThat(canI("bind", "clusterroles.rbac.authorization.k8s.io/cluster-admin", null)).isFalse();
        assertThat(canI("escalate", "clusterroles.rbac.authorization.k8s.io", null)).isFalse();
        assertThat(canI("create", "clusterrolebindings.rbac.authorization.k8s.io", null)).isFalse();
        assertThat(canI("create", "serviceaccounts/token", "kube-system")).isFalse();
        assertThat(canI("create", "validatingadmissionpolicies.admissionregistration.k8s.io", null)).isFalse();
    }

    @Test
    void noWorkspaceRoleGrantsDangerousVerbsOrClusterWrites() {
        for (String role : new String[]{"owner", "admin", "developer", "viewer"}) {
            String rules = admin.run("get", "clusterrole", "berth:workspace-" + role, "-o", "json").stdout();
            assertThat(rules).as(role).doesNotContain("\"escalate\"", "\"bind\"", "\"impersonate\"", "\"*\"",
                    "\"resourcequotas/status\"", "\"pods/ephemeralcontainers\"", "\"namespaces\"", "\"nodes\"");
        }
        String viewer = admin.run("get", "clusterrole", "berth:workspace-viewer", "-o", "json").stdout();
        assertThat(viewer).doesNotContain("\"secrets\"");
    }

    private boolean canI(String verb, String resource, String namespace) {
        Kubectl.Result r = namespace == null
                ? admin.run("auth", "can-i", verb, resource, "--as=" + BACKEND)
                : admin.run("auth", "can-i", verb, resource, "-n", namespace, "--as=" + BACKEND);
        return r.stdout().trim().equals("yes");
    }

    private static String read(String path) {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of(path));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
