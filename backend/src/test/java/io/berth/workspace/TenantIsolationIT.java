package io.berth.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.berth.Tenant;
import io.berth.testing.Kubectl;
import io.berth.testing.RealStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A kubeconfig downloaded through the API works in its owner's workspace and nowhere else: real kubectl against the
 * real API server, each denial asserted by its specific message.
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantIsolationIT {

    Tenant alice;
    Tenant bob;
    String aliceNs;
    String bobNs;
    String aliceUser;
    Kubectl kubectl;

    @BeforeAll
    void twoTenantsWithReadyWorkspaces() {
        alice = Tenant.signUp("alice");
        bob = Tenant.signUp("bob");
        aliceNs = alice.personalNamespace();
        bobNs = bob.personalNamespace();
        aliceUser = "system:serviceaccount:berth-users:u-" + alice.accountId() + "-e1";
        kubectl = alice.kubectl();
    }

    @Test
    void kubectlCreatesWorkloadsServicesConfigAndRbacInItsOwnWorkspace() {
        Kubectl.Result r = kubectl.apply("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  replicas: 2
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      containers: [{name: web, image: nginx}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec:
                  type: ClusterIP
                  selector: {app: web}
                  ports: [{port: 80}]
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: web-config}
                data: {greeting: hello}
                ---
                apiVersion: v1
                kind: Secret
                metadata: {name: web-secret}
                stringData: {password: s3cret}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata: {name: config-reader}
                rules: [{apiGroups: [""], resources: [configmaps], verbs: [get, list]}]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata: {name: default-can-view}
                roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: "berth:workspace-viewer"}
                subjects: [{kind: ServiceAccount, name: default, namespace: %s}]
                """.formatted(aliceNs));

        assertThat(r.ok()).as(r.output()).isTrue();
        assertThat(r.stdout()).contains("deployment.apps/web created", "service/web created",
                "configmap/web-config created", "secret/web-secret created",
                "role.rbac.authorization.k8s.io/config-reader created",
                "rolebinding.rbac.authorization.k8s.io/default-can-view created");
        Kubectl.Result get = kubectl.run("get", "deployment/web", "-o", "jsonpath={.spec.replicas}");
        assertThat(get.stdout()).isEqualTo("2");
    }

    @Test
    void aPodWithoutSecurityContextIsAdmittedWithSecureDefaults() {
        Kubectl.Result r = kubectl.run("run", "plain", "--image=nginx", "--restart=Never");
        assertThat(r.ok()).as(r.output()).isTrue();

        String pod = kubectl.run("get", "pod", "plain", "-o",
                "jsonpath={.spec.securityContext.runAsNonRoot} {.spec.securityContext.seccompProfile.type} "
                        + "{.spec.containers[0].securityContext.allowPrivilegeEscalation} "
                        + "{.spec.containers[0].securityContext.capabilities.drop} "
                        + "{.spec.containers[0].resources.requests.cpu} {.spec.containers[0].resources.limits.memory}")
                .stdout();
        assertThat(pod).isEqualTo("true RuntimeDefault false [\"ALL\"] 100m 512Mi");
    }

    // --- other workspaces and the cluster

    @Test
    void anotherUsersWorkspaceIsForbidden() {
        Kubectl.Result list = kubectl.run("-n", bobNs, "get", "pods");
        assertForbidden(list, "User \"" + aliceUser
                + "\" cannot list resource \"pods\" in API group \"\" in the namespace \"" + bobNs + "\"");
        Kubectl.Result create = kubectl.run("-n", bobNs, "create", "configmap", "intruder", "--from-literal=a=b");
        assertForbidden(create,
                "cannot create resource \"configmaps\" in API group \"\" in the namespace \"" + bobNs + "\"");
    }

    @Test
    void listingNamespacesIsForbidden() {
        assertForbidden(kubectl.run("get", "namespaces"),
                "User \"" + aliceUser
                        + "\" cannot list resource \"namespaces\" in API group \"\" at the cluster scope");
    }

    @Test
    void listingNodesIsForbidden() {
        assertForbidden(kubectl.run("get", "nodes"),
                "User \"" + aliceUser + "\" cannot list resource \"nodes\" in API group \"\" at the cluster scope");
    }

    @Test
    void clusterScopedCreatesAreForbidden() {
        assertForbidden(kubectl.run("create", "namespace", "alice-extra"),
                "cannot create resource \"namespaces\" in API group \"\" at the cluster scope");
        assertForbidden(kubectl.run("create", "clusterrole", "mine", "--verb=get", "--resource=pods"),
                "cannot create resource \"clusterroles\" in API group \"rbac.authorization.k8s.io\" at the cluster scope");
        assertForbidden(kubectl.apply("""
                apiVersion: v1
                kind: PersistentVolume
                metadata: {name: alice-host}
                spec:
                  capacity: {storage: 1Gi}
                  accessModes: [ReadWriteOnce]
                  hostPath: {path: /}
                """),
                "cannot get resource \"persistentvolumes\" in API group \"\" at the cluster scope");
    }

    @Test
    void aRoleBindingToClusterAdminIsRefused() {
        Kubectl.Result r = kubectl.run("create", "rolebinding", "root", "--clusterrole=cluster-admin",
                "--serviceaccount=" + aliceNs + ":default");
        // RBAC's escalation check answers before admission: a tenant cannot grant what it does not hold.
        assertForbidden(r, "is attempting to grant RBAC permissions not currently held");
        assertThat(r.stderr()).contains("{APIGroups:[\"*\"], Resources:[\"*\"], Verbs:[\"*\"]}");
    }

    @Test
    void aRoleBindingToABroaderClusterRoleIsRefused() {
        Kubectl.Result r = kubectl.run("create", "rolebinding", "wider", "--clusterrole=admin",
                "--serviceaccount=" + aliceNs + ":default");
        assertForbidden(r, "is attempting to grant RBAC permissions not currently held");
    }

    @Test
    void aRoleGrantingMoreThanTheCallerHoldsIsRefusedByRbacEscalationCheck() {
        Kubectl.Result r = kubectl.run("create", "role", "quota-editor", "--verb=update", "--resource=resourcequotas");
        assertForbidden(r, "is attempting to grant RBAC permissions not currently held");
    }

    @Test
    void bindingOtherPeopleIsRefused() {
        Kubectl.Result r = kubectl.run("create", "rolebinding", "everyone", "--clusterrole=berth:workspace-viewer",
                "--group=system:authenticated");
        assertForbidden(r, "RoleBinding subjects must be ServiceAccounts of this workspace");
    }

    @Test
    void impersonationIsForbidden() {
        assertForbidden(kubectl.run("get", "pods", "--as=" + bob.username()),
                "User \"" + aliceUser + "\" cannot impersonate");
        assertForbidden(kubectl.run("get", "pods", "--as=system:serviceaccount:" + aliceNs + ":default"),
                "User \"" + aliceUser + "\" cannot impersonate");
        assertForbidden(kubectl.run("get", "pods", "--as=admin", "--as-group=system:masters"),
                "User \"" + aliceUser + "\" cannot impersonate");
    }

    @Test
    void aTokenForAnotherServiceAccountIsRefused() {
        assertForbidden(kubectl.run("-n", "berth-system", "create", "token", "berth-backend"),
                "cannot create resource \"serviceaccounts/token\" in API group \"\" in the namespace \"berth-system\"");
        assertForbidden(kubectl.run("-n", "berth-users", "create", "token", "u-" + bob.accountId() + "-e1"),
                "cannot create resource \"serviceaccounts/token\" in API group \"\" in the namespace \"berth-users\"");
    }

    // --- the workspace's platform-managed objects

    @Test
    void theQuotaCannotBeEditedOrDeleted() {
        assertForbidden(kubectl.run("patch", "resourcequota", "berth-quota", "--type=merge", "-p",
                "{\"spec\":{\"hard\":{\"pods\":\"1000\"}}}"), "cannot patch resource \"resourcequotas\"");
        assertForbidden(kubectl.run("delete", "resourcequota", "berth-quota"),
                "cannot delete resource \"resourcequotas\"");
    }

    @Test
    void theLimitRangeCannotBeEditedOrDeleted() {
        assertForbidden(kubectl.run("patch", "limitrange", "berth-limits", "--type=merge", "-p",
                "{\"metadata\":{\"labels\":{\"x\":\"y\"}}}"), "cannot patch resource \"limitranges\"");
        assertForbidden(kubectl.run("delete", "limitrange", "berth-limits"), "cannot delete resource \"limitranges\"");
    }

    @Test
    void theDefaultNetworkPoliciesCannotBeEditedOrDeleted() {
        for (String policy : new String[]{"berth-default-deny", "berth-allow-same-namespace", "berth-allow-dns"}) {
            assertForbidden(kubectl.run("delete", "networkpolicy", policy),
                    "networkpolicies " + policy + " is managed by the platform");
            assertForbidden(kubectl.run("patch", "networkpolicy", policy, "--type=merge", "-p",
                    "{\"spec\":{\"policyTypes\":[\"Ingress\"]}}"),
                    "networkpolicies " + policy + " is managed by the platform");
        }
    }

    @Test
    void thePlatformsMembershipBindingCannotBeChanged() {
        String binding = "berth-member-owner-" + alice.accountId();
        assertForbidden(kubectl.run("delete", "rolebinding", binding),
                "rolebindings " + binding + " is managed by the platform");
    }

    // --- pods that would escape the sandbox

    @Test
    void aPrivilegedPodIsRejected() {
        assertPodRejected("{\"privileged\": true}", null,
                "privileged (container \"c\" must not set securityContext.privileged=true)");
    }

    @Test
    void aPodAddingCapabilitiesIsRejected() {
        assertPodRejected("{\"capabilities\": {\"add\": [\"NET_ADMIN\"]}}", null,
                "unrestricted capabilities (container \"c\" must not include \"NET_ADMIN\" in securityContext.capabilities.add)");
    }

    @Test
    void aPodExplicitlyRunningAsRootIsRejected() {
        assertPodRejected("{\"runAsUser\": 0}", null, "runAsUser=0 (container \"c\" must not set runAsUser=0)");
        assertPodRejected("{\"runAsNonRoot\": false}", null,
                "runAsNonRoot != true (container \"c\" must not set securityContext.runAsNonRoot=false)");
    }

    @Test
    void aPodWithHostPathIsRejected() {
        assertPodRejected(null, "\"volumes\": [{\"name\": \"h\", \"hostPath\": {\"path\": \"/\"}}]",
                "restricted volume types (volume \"h\" uses restricted volume type \"hostPath\")");
    }

    @Test
    void aPodOnTheHostNetworkIsRejected() {
        assertPodRejected(null, "\"hostNetwork\": true", "host namespaces (hostNetwork=true)");
    }

    @Test
    void aPodInTheHostPidNamespaceIsRejected() {
        assertPodRejected(null, "\"hostPID\": true", "host namespaces (hostPID=true)");
    }

    @Test
    void aPodInTheHostIpcNamespaceIsRejected() {
        assertPodRejected(null, "\"hostIPC\": true", "host namespaces (hostIPC=true)");
    }

    @Test
    void aPodWithAHostPortIsRejected() {
        Kubectl.Result r = kubectl.apply(
                """
                        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "hostport"},
                         "spec": {"containers": [{"name": "c", "image": "nginx", "ports": [{"containerPort": 80, "hostPort": 80}]}]}}
                        """);
        assertForbidden(r, "hostPort (container \"c\" uses hostPort 80)");
    }

    @Test
    void aPodSettingNodeNameIsRejected() {
        assertPodRejected(null, "\"nodeName\": \"node-1\"",
                "spec.nodeName may not be set in workspaces; the scheduler places pods");
    }

    // --- services the default plan does not allow

    @Test
    void aNodePortServiceIsRejected() {
        assertForbidden(kubectl.run("create", "service", "nodeport", "np", "--tcp=80"),
                "Services of type NodePort are not allowed by this workspace's plan");
    }

    @Test
    void aLoadBalancerServiceIsRejected() {
        assertForbidden(kubectl.run("create", "service", "loadbalancer", "lb", "--tcp=80"),
                "Services of type LoadBalancer are not allowed by this workspace's plan");
    }

    @Test
    void anExternalNameServiceIsRejected() {
        assertForbidden(kubectl.run("create", "service", "externalname", "en", "--external-name=db.other.svc"),
                "Services of type ExternalName are not allowed in workspaces");
    }

    @Test
    void externalIpsAreRejected() {
        Kubectl.Result r = kubectl.apply("""
                {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "hijack"},
                 "spec": {"ports": [{"port": 80}], "externalIPs": ["10.0.0.1"]}}
                """);
        assertThat(r.ok()).isFalse();
        assertThat(r.stderr()).contains("externalIPs");
        assertThat(r.stderr())
                .contains("services \"hijack\" is forbidden: Use of external IPs is denied by admission control");
    }

    private void assertPodRejected(String containerSecurityContext, String podSpecExtra, String expected) {
        String name = "bad-" + Long.toString(System.nanoTime(), 36);
        String sc = containerSecurityContext == null ? "" : ", \"securityContext\": " + containerSecurityContext;
        String extra = podSpecExtra == null ? "" : podSpecExtra + ", ";
        Kubectl.Result r = kubectl.apply("""
                {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "%s"},
                 "spec": {%s"containers": [{"name": "c", "image": "nginx"%s}]}}
                """.formatted(name, extra, sc));
        assertForbidden(r, expected);
    }

    private static void assertForbidden(Kubectl.Result r, String expected) {
        assertThat(r.ok()).as("kubectl should have been refused: " + r.output()).isFalse();
        assertThat(r.stderr()).contains(expected);
    }
}
