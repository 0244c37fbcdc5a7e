package io.berth.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.berth.Tenant;
import io.berth.testing.Kube;
import io.berth.testing.Kubectl;
import io.berth.testing.RealStackResource;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The workspaces' policies admit the gateway to exactly the routed pods (issue 15): against the real API server, a
 * tenant's Services made with their own kubectl, routes attached to the workspace's gateway, and the policies the
 * backend's reconciler writes in answer, each within two seconds.
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayExposureIT {

    private static final Duration CONVERGE = Duration.ofSeconds(2);

    KubernetesClient admin;
    Kubectl kubectl;
    String ns;

    @BeforeAll
    void aTenantWithTwoServices() throws Exception {
        admin = Kube.admin();
        ensureGatewayApi(admin);
        Tenant tenant = Tenant.signUp("routes");
        ns = tenant.awaitReady(tenant.personalWorkspaceId()).getString("namespace");
        kubectl = tenant.kubectl();
        Kubectl.Result r = kubectl.apply(service("svc-a", "a", "80", "http") + "\n---\n"
                + service("svc-b", "b", "80", "8080"));
        assertThat(r.ok()).as(r.output()).isTrue();
    }

    /** Until the lead's stack installs the Gateway API CRDs at bootstrap, the test installs them. */
    static void ensureGatewayApi(KubernetesClient admin) throws Exception {
        if (admin.apiextensions().v1().customResourceDefinitions().withName("httproutes.gateway.networking.k8s.io")
                .get() != null) {
            return;
        }
        Path yaml = Path.of(System.getProperty("user.home"), ".cache/berth/gateway-api/v1.4.0/standard-install.yaml");
        try (var in = Files.newInputStream(yaml)) {
            admin.load(in).serverSideApply();
        }
        admin.apiextensions().v1().customResourceDefinitions().withName("httproutes.gateway.networking.k8s.io")
                .waitUntilCondition(c -> c.getStatus() != null && c.getStatus().getConditions().stream()
                        .anyMatch(x -> x.getType().equals("Established") && x.getStatus().equals("True")),
                        30, java.util.concurrent.TimeUnit.SECONDS);
    }

    @Test
    void aRouteOpensItsServicesPodsToTheGatewayOnlyAndItsDeletionClosesThem() {
        HTTPRoute route = admin.resource(httpRoute("shop", "svc-a", 80)).create();
        long t0 = System.nanoTime();

        NetworkPolicy a = await("policy berth-gateway-svc-a", () -> policy("berth-gateway-svc-a"));
        long tookMillis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(tookMillis).as("ms from route to policy").isLessThan(CONVERGE.toMillis());
        assertThat(a.getMetadata().getLabels()).containsEntry("berth.io/managed", "true")
                .containsEntry("berth.io/gateway-policy", "true");
        assertThat(a.getSpec().getPodSelector().getMatchLabels()).isEqualTo(Map.of("app", "a"));
        assertThat(a.getSpec().getPolicyTypes()).containsExactly("Ingress");
        var rule = a.getSpec().getIngress().get(0);
        assertThat(rule.getFrom()).hasSize(1);
        assertThat(rule.getFrom().get(0).getNamespaceSelector().getMatchLabels())
                .isEqualTo(Map.of("kubernetes.io/metadata.name", "berth-system"));
        assertThat(rule.getFrom().get(0).getPodSelector().getMatchLabels())
                .isEqualTo(Map.of("app.kubernetes.io/name", "berth-gateway"));
        assertThat(rule.getPorts()).hasSize(1);
        assertThat(rule.getPorts().get(0).getPort().getStrVal()).isEqualTo("http");
        assertThat(rule.getPorts().get(0).getProtocol()).isEqualTo("TCP");

        // No policy of the gateway's selects the unrouted Service's pods.
        assertThat(admin.network().v1().networkPolicies().inNamespace(ns).list().getItems())
                .filteredOn(p -> p.getMetadata().getName().startsWith("berth-gateway-"))
                .extracting(p -> p.getSpec().getPodSelector().getMatchLabels())
                .doesNotContain(Map.of("app", "b"));
        assertThat(policy("berth-gateway-svc-b")).isNull();

        // The tenant cannot widen what the platform opened.
        Kubectl.Result edit = kubectl.run("-n", ns, "delete", "networkpolicy", "berth-gateway-svc-a");
        assertThat(edit.ok()).as(edit.output()).isFalse();
        assertThat(edit.output()).contains("Berth: networkpolicies berth-gateway-svc-a is managed by the platform "
                + "and cannot be created, changed or deleted from a workspace");

        admin.resource(route).delete();
        t0 = System.nanoTime();
        await("berth-gateway-svc-a gone", () -> policy("berth-gateway-svc-a") == null ? Boolean.TRUE : null);
        assertThat((System.nanoTime() - t0) / 1_000_000).as("ms from route deletion to policy deletion")
                .isLessThan(CONVERGE.toMillis());
    }

    @Test
    void aNumericTargetPortIsOpenedAndDeletingTheRoutedServiceRemovesItsPolicy() {
        Kubectl.Result made = kubectl.apply(service("svc-c", "c", "80", "8080"));
        assertThat(made.ok()).as(made.output()).isTrue();
        HTTPRoute route = admin.resource(httpRoute("numeric", "svc-c", 80)).create();
        NetworkPolicy c = await("policy berth-gateway-svc-c", () -> policy("berth-gateway-svc-c"));
        assertThat(c.getSpec().getIngress().get(0).getPorts().get(0).getPort().getIntVal()).isEqualTo(8080);
        assertThat(c.getSpec().getPodSelector().getMatchLabels()).isEqualTo(Map.of("app", "c"));

        Kubectl.Result del = kubectl.run("-n", ns, "delete", "service", "svc-c");
        assertThat(del.ok()).as(del.output()).isTrue();
        await("berth-gateway-svc-c gone", () -> policy("berth-gateway-svc-c") == null ? Boolean.TRUE : null);
        admin.resource(route).delete();
    }

    private NetworkPolicy policy(String name) {
        return admin.network().v1().networkPolicies().inNamespace(ns).withName(name).get();
    }

    private HTTPRoute httpRoute(String name, String service, int port) {
        return new HTTPRouteBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata().withNewSpec()
                .addNewParentRef().withName("berth-apps").endParentRef()
                .addToHostnames(name + "." + ns + ".apps.berth.localhost")
                .addNewRule().addNewBackendRef().withName(service).withPort(port).endBackendRef().endRule()
                .endSpec().build();
    }

    private String service(String name, String app, String port, String targetPort) {
        return """
                {"apiVersion": "v1", "kind": "Service",
                 "metadata": {"name": "%s", "namespace": "%s"},
                 "spec": {"selector": {"app": "%s"},
                          "ports": [{"name": "web", "port": %s, "targetPort": %s}]}}
                """.formatted(name, ns, app, port,
                targetPort.chars().allMatch(Character::isDigit) ? targetPort : "\"" + targetPort + "\"");
    }

    private static <T> T await(String what, Supplier<T> probe) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            T v = probe.get();
            if (v != null) {
                return v;
            }
            Tenant.sleep(20);
        }
        throw new AssertionError("timed out waiting for " + what);
    }
}
