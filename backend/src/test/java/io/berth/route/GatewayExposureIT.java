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
import io.berth.testing.DemoPods;
import io.berth.testing.Kube;
import io.berth.testing.Kubectl;
import io.berth.testing.RealStack;
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
    void aTenantWithTwoServices() {
        admin = Kube.admin();
        Tenant tenant = Tenant.signUp("routes");
        ns = tenant.personalNamespace();
        kubectl = tenant.kubectl();
        Kubectl.Result r = kubectl.apply(service("svc-a", "a", "80", "http") + "\n---\n"
                + service("svc-b", "b", "80", "8080"));
        assertThat(r.ok()).as(r.output()).isTrue();
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

    /**
     * The policies in force, by traffic: a pod in berth-system that carries the gateway's label (and a controller of
     * its own, so the gateway's DaemonSet does not adopt it) reaches a routed Service's pod once its route exists, and
     * never an unrouted one's; after the route goes, the routed pod is closed again.
     */
    @Test
    void theGatewayReachesExactlyTheRoutedPods() throws Exception {
        DemoPods tenantPods = new DemoPods(kubectl, ns);
        DemoPods.Pod webA = tenantPods.run("web-a", DemoPods.WEB_IMAGE, null, null);
        DemoPods.Pod webB = tenantPods.run("web-b", DemoPods.WEB_IMAGE, null, null);
        Kubectl.Result r = kubectl.apply(service("web-a", "web-a", "80", "8080") + "\n---\n"
                + service("web-b", "web-b", "80", "8080"));
        assertThat(r.ok()).as(r.output()).isTrue();
        Kubectl.Result probeMade = adminKubectl().apply(probe());
        assertThat(probeMade.ok()).as(probeMade.output()).isTrue();
        DemoPods system = new DemoPods(adminKubectl(), GatewayPolicies.GATEWAY_NAMESPACE);
        try {
            DemoPods.Pod gateway = system.await(PROBE, Duration.ofSeconds(90));
            assertThat(system.connect(gateway, webA.ip() + ":8080")).as("before any route").isNotEqualTo("open");

            HTTPRoute route = admin.resource(httpRoute("traffic", "web-a", 80)).create();
            awaitOutcome(() -> system.connect(gateway, webA.ip() + ":8080"), "open"::equals);
            assertThat(system.connect(gateway, webB.ip() + ":8080")).as("the unrouted pod").isNotEqualTo("open");

            admin.resource(route).delete();
            awaitOutcome(() -> system.connect(gateway, webA.ip() + ":8080"), o -> !o.equals("open"));
        } finally {
            admin.configMaps().inNamespace(GatewayPolicies.GATEWAY_NAMESPACE).withName(PROBE).delete();
        }
    }

    private static final String PROBE = "gateway-policy-probe";

    private String probe() {
        var owner = admin.configMaps().inNamespace(GatewayPolicies.GATEWAY_NAMESPACE)
                .resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder().withNewMetadata().withName(PROBE)
                        .endMetadata().build())
                .serverSideApply();
        return """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: %1$s
                  namespace: berth-system
                  labels: {app.kubernetes.io/name: berth-gateway}
                  ownerReferences: [{apiVersion: v1, kind: ConfigMap, name: %1$s, uid: %2$s, controller: true}]
                spec:
                  terminationGracePeriodSeconds: 1
                  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
                  containers:
                  - name: main
                    image: %3$s
                    imagePullPolicy: IfNotPresent
                    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
                """.formatted(PROBE, owner.getMetadata().getUid(), DemoPods.CLIENT_IMAGE);
    }

    private static Kubectl adminKubectl() throws java.io.IOException {
        return Kubectl.withKubeconfig(Files.readString(Path.of(RealStack.get("ADMIN_KUBECONFIG"))));
    }

    /** The enforcer programs a policy change on its next sync, a few seconds later. */
    private static void awaitOutcome(Supplier<String> probe, java.util.function.Predicate<String> wanted) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String last;
        do {
            last = probe.get();
            if (wanted.test(last)) {
                return;
            }
            Tenant.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("the connection did not change as expected; last outcome " + last);
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
