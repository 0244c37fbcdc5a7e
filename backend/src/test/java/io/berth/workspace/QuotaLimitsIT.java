package io.berth.workspace;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.berth.Tenant;
import io.berth.testing.Keycloak;
import io.berth.testing.Kube;
import io.berth.testing.Kubectl;
import io.berth.testing.RealStackResource;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResourceManager;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

/**
 * Quotas leave nothing a tenant can create unbounded (issue 12, item 7): every kind a workspace role may create has a
 * quota entry, a plan's object counts and extended resources reach the quota of its workspaces, and a tenant at a
 * count is refused the next object of that kind, by the real API server's quota admission, with nothing made.
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class QuotaLimitsIT {

    Tenant tenant;
    String ns;
    Kubectl kubectl;
    String plan;
    int maxServices;
    int maxSecrets;

    /** A plan allowing one object of each counted kind and one GPU. */
    @BeforeAll
    void aTenantOnATightPlan() {
        tenant = Tenant.signUp("quota");
        String workspace = tenant.personalWorkspaceId();
        ns = tenant.awaitReady(workspace).getString("namespace");
        kubectl = tenant.kubectl();

        plan = "tight-" + Long.toString(System.nanoTime() % 1_000_000, 36);
        Map<String, Object> p = admin().get("/api/v1/admin/plans").then().statusCode(200).extract().jsonPath()
                .getMap("find { it.id == 'free' }");
        p.put("id", plan);
        p.put("name", "Tight (test)");
        p.put("active", false);
        for (String count : List.of("maxDeployments", "maxReplicaSets", "maxStatefulSets", "maxControllerRevisions",
                "maxJobs", "maxCronJobs", "maxServiceAccounts", "maxRoles", "maxRoleBindings", "maxIngresses",
                "maxNetworkPolicies", "maxHorizontalPodAutoscalers", "maxPodDisruptionBudgets")) {
            p.put(count, 1);
        }
        p.put("extendedResources", Map.of("nvidia.com/gpu", 1));
        maxServices = ((Number) p.get("maxServices")).intValue();
        maxSecrets = ((Number) p.get("maxSecrets")).intValue();
        admin().body(p).put("/api/v1/admin/plans/" + plan).then().statusCode(200);
        admin().body(Map.of("planId", plan)).put("/api/v1/admin/accounts/" + tenant.accountId() + "/plan").then()
                .statusCode(204);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!"1".equals(hard().get("count/deployments.apps").toString()) || !"ready".equals(
                tenant.workspace(workspace).getString("status"))) {
            assertThat(System.nanoTime()).as("the plan's quota reached the workspace").isLessThan(deadline);
            Tenant.sleep(200);
        }
    }

    @Test
    void everyKindAWorkspaceRoleMayCreateIsBoundedByTheQuota() {
        Map<String, Quantity> hard = hard();
        List<String> unbounded = new ArrayList<>();
        for (String role : TenantRbacIT.ROLES) {
            for (PolicyRule rule : Kube.admin().rbac().clusterRoles().withName(role).get().getRules()) {
                if (!rule.getVerbs().contains("create")) {
                    continue;
                }
                for (String group : rule.getApiGroups()) {
                    for (String resource : rule.getResources()) {
                        if (resource.contains("/")) {
                            continue; // subresources (exec, portforward, token requests) store nothing
                        }
                        String counted = "count/" + resource + (group.isEmpty() ? "" : "." + group);
                        if (!hard.containsKey(counted) && !(group.isEmpty() && hard.containsKey(resource))) {
                            unbounded.add(role + ": " + counted);
                        }
                    }
                }
            }
        }
        assertThat(unbounded).isEmpty();
        // Controllers make these from what tenants create: bounded too.
        assertThat(hard).containsKeys("count/replicasets.apps", "count/controllerrevisions.apps", "count/jobs.batch");
    }

    @Test
    void thePlanReachesTheQuotaWithThePlatformsOwnObjectsOnTop() {
        Map<String, Quantity> hard = hard();
        assertThat(hard.get("count/deployments.apps").toString()).isEqualTo("1");
        assertThat(hard.get("count/poddisruptionbudgets.policy").toString()).isEqualTo("1");
        assertThat(hard.get("count/networkpolicies.networking.k8s.io").toString())
                .as("and the platform's three, and one per Service for the gateway")
                .isEqualTo(Integer.toString(1 + 3 + maxServices));
        assertThat(hard.get("count/httproutes.gateway.networking.k8s.io").toString()).as("the Ingress count")
                .isEqualTo("1");
        assertThat(hard.get("count/grpcroutes.gateway.networking.k8s.io").toString()).isEqualTo("1");
        assertThat(hard.get("count/gateways.gateway.networking.k8s.io").toString()).as("the apps Gateway")
                .isEqualTo("1");
        assertThat(hard.get("secrets").toString()).as("and the apps certificate")
                .isEqualTo(Integer.toString(maxSecrets + 1));
        assertThat(hard.get("count/serviceaccounts").toString()).as("and the default one").isEqualTo("2");
        assertThat(hard.get("count/rolebindings.rbac.authorization.k8s.io").toString())
                .as("and two for the one member").isEqualTo("3");
        assertThat(hard.get("requests.nvidia.com/gpu").toString()).isEqualTo("1");
        assertThat(Kube.admin().namespaces().withName(ns).get().getMetadata().getAnnotations())
                .containsEntry("berth.io/extended-resources", "nvidia.com/gpu");
    }

    @Test
    void atEachCountTheNextObjectOfThatKindIsRefusedAndNotMade() {
        Map<String, IntFunction<String>> kinds = new LinkedHashMap<>();
        // Ingress and route hosts must lie under the workspace's own suffix (berth-ingress-guard, berth-route-guard).
        String appsDomain = Kube.admin().configMaps().inNamespace("berth-system").withName("berth-apps").get()
                .getData().get("appsDomain");
        // ReplicaSets first: a Deployment's controller makes one of its own.
        kinds.put("count/replicasets.apps",
                i -> """
                        {"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": {"name": "r%d"},
                         "spec": {"replicas": 0, "selector": {"matchLabels": {"app": "r%1$d"}},
                          "template": {"metadata": {"labels": {"app": "r%1$d"}}, "spec": {"containers": [{"name": "c", "image": "berth/web:0.1.0"}]}}}}
                        """
                        .formatted(i));
        kinds.put("count/deployments.apps",
                i -> """
                        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d%d"},
                         "spec": {"replicas": 0, "selector": {"matchLabels": {"app": "d"}},
                          "template": {"metadata": {"labels": {"app": "d"}}, "spec": {"containers": [{"name": "c", "image": "berth/web:0.1.0"}]}}}}
                        """
                        .formatted(i));
        kinds.put("count/statefulsets.apps",
                i -> """
                        {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "s%d"},
                         "spec": {"replicas": 0, "serviceName": "s", "selector": {"matchLabels": {"app": "s"}},
                          "template": {"metadata": {"labels": {"app": "s"}}, "spec": {"containers": [{"name": "c", "image": "berth/web:0.1.0"}]}}}}
                        """
                        .formatted(i));
        kinds.put("count/jobs.batch", i -> """
                {"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "j%d"},
                 "spec": {"suspend": true, "template": {"spec": {"restartPolicy": "Never",
                  "containers": [{"name": "c", "image": "berth/client:0.1.0"}]}}}}
                """.formatted(i));
        kinds.put("count/cronjobs.batch", i -> """
                {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c%d"},
                 "spec": {"suspend": true, "schedule": "0 0 1 1 *", "jobTemplate": {"spec": {"template": {"spec": {
                  "restartPolicy": "Never", "containers": [{"name": "c", "image": "berth/client:0.1.0"}]}}}}}}
                """.formatted(i));
        kinds.put("count/serviceaccounts", i -> """
                {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "sa%d"}}
                """.formatted(i));
        kinds.put("count/roles.rbac.authorization.k8s.io", i -> """
                {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": {"name": "role%d"},
                 "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get"]}]}
                """.formatted(i));
        kinds.put("count/rolebindings.rbac.authorization.k8s.io",
                i -> """
                        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": {"name": "rb%d"},
                         "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "berth:workspace-viewer"},
                         "subjects": [{"kind": "ServiceAccount", "name": "default", "namespace": "%s"}]}
                        """
                        .formatted(i, ns));
        kinds.put("count/ingresses.networking.k8s.io",
                i -> """
                        {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "in%d"},
                         "spec": {"rules": [{"host": "in%1$d.%s.%s", "http": {"paths": [{"path": "/", "pathType": "Prefix",
                          "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]}}
                        """
                        .formatted(i, ns, appsDomain));
        kinds.put("count/httproutes.gateway.networking.k8s.io",
                i -> """
                        {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": {"name": "hr%d"},
                         "spec": {"parentRefs": [{"name": "berth-apps"}], "hostnames": ["hr%1$d.%s.%s"],
                          "rules": [{"backendRefs": [{"name": "web", "port": 80}]}]}}
                        """
                        .formatted(i, ns, appsDomain));
        kinds.put("count/grpcroutes.gateway.networking.k8s.io",
                i -> """
                        {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "GRPCRoute", "metadata": {"name": "gr%d"},
                         "spec": {"parentRefs": [{"name": "berth-apps"}], "hostnames": ["gr%1$d.%s.%s"],
                          "rules": [{"backendRefs": [{"name": "grpc", "port": 9000}]}]}}
                        """
                        .formatted(i, ns, appsDomain));
        kinds.put("count/networkpolicies.networking.k8s.io", i -> """
                {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": {"name": "np%d"},
                 "spec": {"podSelector": {"matchLabels": {"app": "np%1$d"}}, "policyTypes": ["Ingress"]}}
                """.formatted(i));
        kinds.put("count/horizontalpodautoscalers.autoscaling",
                i -> """
                        {"apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": {"name": "h%d"},
                         "spec": {"scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "d1"},
                          "minReplicas": 1, "maxReplicas": 2,
                          "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 80}}}]}}
                        """
                        .formatted(i));
        kinds.put("count/poddisruptionbudgets.policy", i -> """
                {"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "p%d"},
                 "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app": "p%1$d"}}}}
                """.formatted(i));

        for (Map.Entry<String, IntFunction<String>> kind : kinds.entrySet()) {
            String resource = kind.getKey();
            int limit = Integer.parseInt(hard().get(resource).toString());
            // The platform's own objects and those controllers made (d1's ReplicaSet) count as well.
            int before = used(resource);
            Kubectl.Result refused = null;
            int made = 0;
            for (int i = 1; i <= limit + 1 && refused == null; i++) {
                Kubectl.Result r = kubectl.apply(kind.getValue().apply(i));
                if (r.ok()) {
                    made++;
                } else {
                    refused = r;
                }
            }
            assertThat(refused).as(resource + ": nothing refused after " + made).isNotNull();
            assertThat(refused.stderr()).as(resource).contains("exceeded quota: " + WorkspaceManifests.QUOTA
                    + ", requested: " + resource + "=1, used: " + resource + "=" + limit + ", limited: " + resource
                    + "=" + limit);
            assertThat(made).as(resource + ": the tenant's own up to the count").isEqualTo(limit - before);
            assertThat(used(resource)).as(resource + ": nothing was made").isEqualTo(limit);
        }
    }

    @Test
    void gpusAreBoundedByThePlansNumber() {
        String gpuPod = """
                {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "%s"},
                 "spec": {"containers": [{"name": "c", "image": "berth/web:0.1.0",
                  "resources": {"limits": {"nvidia.com/gpu": "%d", "cpu": "100m", "memory": "64Mi"}}}]}}
                """;
        Kubectl.Result two = kubectl.apply(gpuPod.formatted("two-gpus", 2));
        assertThat(two.ok()).isFalse();
        assertThat(two.stderr()).contains("exceeded quota: berth-quota, requested: requests.nvidia.com/gpu=2, "
                + "used: requests.nvidia.com/gpu=0, limited: requests.nvidia.com/gpu=1");
        Kubectl.Result one = kubectl.apply(gpuPod.formatted("one-gpu", 1));
        assertThat(one.ok()).as(one.output()).isTrue();
        Kubectl.Result another = kubectl.apply(gpuPod.formatted("another-gpu", 1));
        assertThat(another.ok()).isFalse();
        assertThat(another.stderr()).contains("exceeded quota: berth-quota, requested: requests.nvidia.com/gpu=1, "
                + "used: requests.nvidia.com/gpu=1, limited: requests.nvidia.com/gpu=1");
        assertThat(kubectl.run("get", "pods", "-o", "name").stdout()).contains("pod/one-gpu")
                .doesNotContain("two-gpus").doesNotContain("another-gpu");
        kubectl.run("delete", "pod", "one-gpu", "--wait=false");
    }

    // --- helpers

    private Map<String, Quantity> hard() {
        return quota().getSpec().getHard();
    }

    private int used(String resource) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        // The quota controller's count follows the objects within a moment; the admission count is already exact.
        while (true) {
            ResourceQuota q = quota();
            Quantity used = q.getStatus() == null || q.getStatus().getUsed() == null
                    ? null
                    : q.getStatus().getUsed().get(resource);
            String stored = kubectl.run("get", resource.replaceFirst("^count/", ""), "-o", "name").stdout();
            int objects = (int) stored.lines().filter(l -> !l.isBlank()).count();
            if (used != null && Integer.parseInt(used.toString()) == objects || System.nanoTime() > deadline) {
                return objects;
            }
            Tenant.sleep(200);
        }
    }

    private ResourceQuota quota() {
        return Kube.admin().resourceQuotas().inNamespace(ns).withName(WorkspaceManifests.QUOTA).get();
    }

    private static RequestSpecification admin() {
        return given().baseUri(TestHTTPResourceManager.getUri()).auth().oauth2(Keycloak.demoAdminToken())
                .contentType("application/json");
    }
}
