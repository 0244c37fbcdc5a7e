package io.berth.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.berth.Tenant;
import io.berth.testing.Kube;
import io.berth.testing.Kubectl;
import io.berth.testing.RealStack;
import io.berth.testing.RealStackResource;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The workspace roles' details (issue 12, item 8), with real kubectl: what a role may delete it may delete as a
 * collection, and validating admission still judges every item of one (the platform's objects survive); no
 * ServiceAccount of a workspace can hold more than the developer role, so a token a developer mints (or a pod's) is
 * never a way up; and minted tokens last at most a day.
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantRbacIT {

    static final List<String> ROLES = List.of("berth:workspace-owner", "berth:workspace-admin",
            "berth:workspace-developer", "berth:workspace-viewer");

    Tenant owner;
    String ns;
    Kubectl kubectl;
    /** A developer: a ServiceAccount of the workspace bound to the developer role, with its own token. */
    Kubectl developer;

    @BeforeAll
    void aWorkspaceWithADeveloper() {
        owner = Tenant.signUp("rbac");
        ns = owner.personalNamespace();
        kubectl = owner.kubectl();
        assertThat(kubectl.run("create", "serviceaccount", "dev").ok()).isTrue();
        Kubectl.Result bind = kubectl.run("create", "rolebinding", "dev", "--clusterrole=berth:workspace-developer",
                "--serviceaccount=" + ns + ":dev");
        assertThat(bind.ok()).as(bind.output()).isTrue();
        developer = withToken(kubectl.run("create", "token", "dev", "--duration=1h").stdout().strip());
    }

    // --- deletecollection

    @Test
    void everyRoleThatMayDeleteAKindMayDeleteItAsACollection() {
        List<String> missing = new ArrayList<>();
        for (String name : ROLES) {
            ClusterRole role = Kube.admin().rbac().clusterRoles().withName(name).get();
            for (PolicyRule rule : role.getRules()) {
                if (rule.getVerbs().contains("delete") && !rule.getVerbs().contains("deletecollection")) {
                    missing.add(name + " " + rule.getApiGroups() + " " + rule.getResources());
                }
            }
        }
        assertThat(missing).isEmpty();
        // The kinds the issue names, for each role that may delete them.
        assertThat(canI(kubectl, "deletecollection", "networkpolicies.networking.k8s.io")).isTrue();
        assertThat(canI(kubectl, "deletecollection", "roles.rbac.authorization.k8s.io")).isTrue();
        assertThat(canI(kubectl, "deletecollection", "rolebindings.rbac.authorization.k8s.io")).isTrue();
        assertThat(canI(developer, "deletecollection", "networkpolicies.networking.k8s.io")).isTrue();
        assertThat(canI(developer, "deletecollection", "rolebindings.rbac.authorization.k8s.io")).isFalse();
    }

    @Test
    void aDeleteCollectionOfNetworkPoliciesTakesTheTenantsOwnAndLeavesThePlatformsEveryOne() {
        // "a-..." lists before the platform's "berth-...": the API server deletes items in list order and stops at
        // the first it may not delete.
        assertThat(kubectl.apply("""
                {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "a-own"},
                 "spec": {"podSelector": {"matchLabels": {"app": "x"}}, "policyTypes": ["Ingress"]}}
                """).ok()).isTrue();
        Kubectl.Result r = kubectl.run("delete", "--raw",
                "/apis/networking.k8s.io/v1/namespaces/" + ns + "/networkpolicies");
        assertThat(r.ok()).isFalse();
        assertThat(r.stderr()).contains("ValidatingAdmissionPolicy 'berth-managed-objects-guard'")
                .contains("Berth: networkpolicies berth-allow-dns is managed by the platform");
        String left = kubectl.run("get", "networkpolicies", "-o", "name").stdout();
        assertThat(left).doesNotContain("a-own").contains("networkpolicy.networking.k8s.io/berth-allow-dns",
                "networkpolicy.networking.k8s.io/berth-allow-same-namespace",
                "networkpolicy.networking.k8s.io/berth-default-deny");
    }

    @Test
    void aDeleteCollectionOfRoleBindingsLeavesTheMembersBindingsAndTheirAccess() {
        assertThat(kubectl.run("create", "rolebinding", "a-viewer", "--clusterrole=berth:workspace-viewer",
                "--serviceaccount=" + ns + ":default").ok()).isTrue();
        Kubectl.Result r = kubectl.run("delete", "--raw",
                "/apis/rbac.authorization.k8s.io/v1/namespaces/" + ns + "/rolebindings");
        assertThat(r.ok()).isFalse();
        assertThat(r.stderr()).contains("Berth: rolebindings berth-member-owner-" + owner.accountId()
                + " is managed by the platform");
        String left = kubectl.run("get", "rolebindings", "-o", "name").stdout();
        assertThat(left).doesNotContain("a-viewer")
                .contains("rolebinding.rbac.authorization.k8s.io/berth-member-owner-" + owner.accountId());
        assertThat(kubectl.run("get", "pods").ok()).as("the owner keeps access").isTrue();
    }

    // --- ServiceAccounts hold at most the developer role

    @Test
    void noServiceAccountCanBeBoundAboveTheDeveloperRole() {
        for (String higher : List.of("berth:workspace-admin", "berth:workspace-owner")) {
            Kubectl.Result r = kubectl.run("create", "rolebinding", "ci-" + higher.substring(16),
                    "--clusterrole=" + higher, "--serviceaccount=" + ns + ":default");
            assertThat(r.ok()).isFalse();
            assertThat(r.stderr()).contains("Berth: a workspace RoleBinding may reference a Role of the workspace, "
                    + "berth:workspace-developer or berth:workspace-viewer, not " + higher
                    + ": a ServiceAccount gets at most the developer role");
        }
        assertThat(kubectl.run("get", "rolebindings", "-o", "name").stdout()).doesNotContain("ci-admin")
                .doesNotContain("ci-owner");
    }

    @Test
    void aWorkspaceRoleCannotManageRolesOrRoleBindings() {
        for (String resource : List.of("rolebindings.rbac.authorization.k8s.io", "roles.rbac.authorization.k8s.io")) {
            Kubectl.Result r = kubectl.run("create", "role", "rbac-writer", "--verb=create,update",
                    "--resource=" + resource);
            assertThat(r.ok()).isFalse();
            assertThat(r.stderr()).contains("Berth: a workspace Role may only read Roles and RoleBindings");
        }
        assertThat(kubectl.run("get", "role", "rbac-writer").stderr()).contains("NotFound");
        // An existing Role may not be widened into one by an update either.
        assertThat(kubectl.run("create", "role", "rbac-reader", "--verb=get,list",
                "--resource=rolebindings.rbac.authorization.k8s.io").ok()).isTrue();
        Kubectl.Result widen = kubectl.run("patch", "role", "rbac-reader", "--type=json", "-p",
                "[{\"op\": \"add\", \"path\": \"/rules/0/verbs/-\", \"value\": \"create\"}]");
        assertThat(widen.ok()).isFalse();
        assertThat(widen.stderr()).contains("Berth: a workspace Role may only read Roles and RoleBindings");
        assertThat(kubectl.run("get", "role", "rbac-reader", "-o", "jsonpath={.rules[0].verbs}").stdout())
                .isEqualTo("[\"get\",\"list\"]");
    }

    @Test
    void aDeveloperMintsTokensForTheWorkspacesServiceAccountsThatGoNoHigherThanADeveloper() {
        Kubectl.Result minted = developer.run("create", "token", "default", "--duration=1h");
        assertThat(minted.ok()).as(minted.output()).isTrue();
        Kubectl asDefault = withToken(minted.stdout().strip());
        Kubectl.Result up = asDefault.run("create", "rolebinding", "up", "--clusterrole=berth:workspace-developer",
                "--serviceaccount=" + ns + ":default");
        assertThat(up.ok()).isFalse();
        assertThat(up.stderr()).contains("cannot create resource \"rolebindings\"");
        // And nothing outside the workspace.
        assertThat(developer.run("-n", "berth-system", "create", "token", "berth-backend").stderr())
                .contains("cannot create resource \"serviceaccounts/token\" in API group \"\" in the namespace "
                        + "\"berth-system\"");
    }

    @Test
    void mintedTokensLastAtMostADay() {
        for (Kubectl who : List.of(kubectl, developer)) {
            Kubectl.Result r = who.run("create", "token", "default", "--duration=25h");
            assertThat(r.ok()).isFalse();
            assertThat(r.stderr()).contains(
                    "Berth: tokens for a workspace's ServiceAccounts last at most 24h (86400s), not 90000s");
            assertThat(who.run("create", "token", "default", "--duration=24h").ok()).isTrue();
        }
    }

    // --- helpers

    private static boolean canI(Kubectl k, String verb, String resource) {
        return k.run("auth", "can-i", verb, resource).stdout().strip().equals("yes");
    }

    /** kubectl with a bearer token against the stack's API server (a token is what a ServiceAccount's user holds). */
    private Kubectl withToken(String token) {
        return Kubectl.withKubeconfig("""
                apiVersion: v1
                kind: Config
                clusters:
                - name: berth
                  cluster: {server: "%s", certificate-authority: "%s"}
                users:
                - name: sa
                  user: {token: "%s"}
                contexts:
                - name: berth
                  context: {cluster: berth, user: sa, namespace: "%s"}
                current-context: berth
                """.formatted(RealStack.get("KUBE_API_URL"), RealStack.get("KUBE_CA_FILE"), token, ns));
    }
}
