package io.berth.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;

class GatewayPoliciesTest {

    private static final String NS = "ws-abc";
    private static final String WS_ID = "6f1c1f5e-0000-4000-8000-000000000001";

    @Test
    void aRoutedServiceGetsOnePolicyAdmittingTheGatewayToItsPodsOnItsTargetPort() {
        List<NetworkPolicy> policies = GatewayPolicies.desired(NS, WS_ID, List.of(httpRoute("web", NS, "a", 80)),
                List.of(), List.of(), List.of(service("a", Map.of("app", "a"), port("http", 80, 8080, null))));

        assertThat(policies).hasSize(1);
        NetworkPolicy p = policies.get(0);
        assertThat(p.getMetadata().getName()).isEqualTo("berth-gateway-a");
        assertThat(p.getMetadata().getNamespace()).isEqualTo(NS);
        assertThat(p.getMetadata().getLabels()).containsEntry("berth.io/managed", "true")
                .containsEntry("app.kubernetes.io/managed-by", "berth").containsEntry("berth.io/workspace-id", WS_ID)
                .containsEntry("berth.io/gateway-policy", "true");
        assertThat(p.getSpec().getPodSelector().getMatchLabels()).isEqualTo(Map.of("app", "a"));
        assertThat(p.getSpec().getPolicyTypes()).containsExactly("Ingress");
        assertThat(p.getSpec().getIngress()).hasSize(1);
        var from = p.getSpec().getIngress().get(0).getFrom();
        assertThat(from).hasSize(1);
        assertThat(from.get(0).getNamespaceSelector().getMatchLabels())
                .isEqualTo(Map.of("kubernetes.io/metadata.name", "berth-system"));
        assertThat(from.get(0).getPodSelector().getMatchLabels())
                .isEqualTo(Map.of("app.kubernetes.io/name", "berth-gateway"));
        assertThat(ports(p)).containsExactly("TCP/8080");
    }

    @Test
    void anUnroutedServiceASelectorlessServiceAndAnotherNamespacesServiceGetNone() {
        var route = new HTTPRouteBuilder().withNewMetadata().withName("r").withNamespace(NS).endMetadata()
                .withNewSpec().addNewRule()
                .addNewBackendRef().withName("manual").withPort(80).endBackendRef()
                .addNewBackendRef().withName("a").withNamespace("ws-other").withPort(80).endBackendRef()
                .addNewBackendRef().withName("a").withKind("ServiceImport").withGroup("multicluster.x-k8s.io")
                .withPort(80).endBackendRef()
                .endRule().endSpec().build();
        List<NetworkPolicy> policies = GatewayPolicies.desired(NS, WS_ID, List.of(route), List.of(), List.of(),
                List.of(service("a", Map.of("app", "a"), port(null, 80, null, null)),
                        service("b", Map.of("app", "b"), port(null, 80, null, null)),
                        service("manual", null, port(null, 80, null, null))));

        assertThat(policies).isEmpty();
    }

    @Test
    void onlyThePortsRoutesUseAreOpenedNamedTargetPortsStayNamedAndAMissingTargetPortIsThePort() {
        Service multi = service("api", Map.of("app", "api", "tier", "web"), port("http", 80, null, "web"),
                port("admin", 9000, 9000, null), port("grpc", 50051, null, null));
        List<NetworkPolicy> policies = GatewayPolicies.desired(NS, WS_ID, List.of(httpRoute("r", NS, "api", 80)),
                List.of(grpcRoute("g", NS, "api", 50051)), List.of(), List.of(multi));

        assertThat(policies).hasSize(1);
        assertThat(ports(policies.get(0))).containsExactlyInAnyOrder("TCP/web", "TCP/50051");
        assertThat(policies.get(0).getSpec().getPodSelector().getMatchLabels())
                .isEqualTo(Map.of("app", "api", "tier", "web"));
    }

    @Test
    void aRouteToAPortTheServiceDoesNotHaveOpensNothing() {
        assertThat(GatewayPolicies.desired(NS, WS_ID, List.of(httpRoute("r", NS, "a", 81)), List.of(), List.of(),
                List.of(service("a", Map.of("app", "a"), port(null, 80, 8080, null))))).isEmpty();
    }

    @Test
    void ingressesOfTheBerthClassOrNoClassAreRoutesAndOthersAreNot() {
        Service a = service("a", Map.of("app", "a"), port("http", 80, 8080, null));
        Service b = service("b", Map.of("app", "b"), port(null, 81, 8081, null));
        Service c = service("c", Map.of("app", "c"), port(null, 82, 8082, null));
        List<NetworkPolicy> policies = GatewayPolicies.desired(NS, WS_ID, List.of(), List.of(),
                List.of(ingress("i1", null, "a", null, "http"), ingress("i2", "berth", "b", 81, null),
                        ingress("i3", "nginx", "c", 82, null)),
                List.of(a, b, c));

        assertThat(policies).extracting(p -> p.getMetadata().getName())
                .containsExactly("berth-gateway-a", "berth-gateway-b");
        assertThat(ports(policies.get(0))).containsExactly("TCP/8080");
        assertThat(ports(policies.get(1))).containsExactly("TCP/8081");
    }

    @Test
    void aMirrorsBackendIsRoutedTooAndRoutesOfAnotherNamespaceAreIgnored() {
        var mirrored = new HTTPRouteBuilder().withNewMetadata().withName("m").withNamespace(NS).endMetadata()
                .withNewSpec().addNewRule().addNewFilter().withType("RequestMirror").withNewRequestMirror()
                .withNewBackendRef().withName("shadow").withPort(80).endBackendRef().endRequestMirror().endFilter()
                .addNewBackendRef().withName("a").withPort(80).endBackendRef().endRule().endSpec().build();
        List<NetworkPolicy> policies = GatewayPolicies.desired(NS, WS_ID,
                List.of(mirrored, httpRoute("elsewhere", "ws-other", "b", 80)), List.of(), List.of(),
                List.of(service("a", Map.of("app", "a"), port(null, 80, null, null)),
                        service("b", Map.of("app", "b"), port(null, 80, null, null)),
                        service("shadow", Map.of("app", "shadow"), port(null, 80, null, null))));

        assertThat(policies).extracting(p -> p.getMetadata().getName())
                .containsExactly("berth-gateway-a", "berth-gateway-shadow");
    }

    @Test
    void theSameInputsGiveEqualPolicies() {
        List<HTTPRoute> routes = List.of(httpRoute("r", NS, "a", 80), httpRoute("r2", NS, "a", 80));
        List<Service> services = List.of(service("a", Map.of("z", "1", "a", "2"), port(null, 80, 8080, null)));
        assertThat(GatewayPolicies.desired(NS, WS_ID, routes, List.of(), List.of(), services))
                .isEqualTo(GatewayPolicies.desired(NS, WS_ID, routes, List.of(), List.of(), services))
                .hasSize(1);
    }

    static HTTPRoute httpRoute(String name, String ns, String service, int port) {
        return new HTTPRouteBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata().withNewSpec()
                .addNewParentRef().withName("berth-apps").endParentRef()
                .addNewRule().addNewBackendRef().withName(service).withPort(port).endBackendRef().endRule()
                .endSpec().build();
    }

    static GRPCRoute grpcRoute(String name, String ns, String service, int port) {
        return new GRPCRouteBuilder().withNewMetadata().withName(name).withNamespace(ns).endMetadata().withNewSpec()
                .addNewRule().addNewBackendRef().withName(service).withKind("Service").withGroup("")
                .withPort(port).endBackendRef().endRule().endSpec().build();
    }

    static Ingress ingress(String name, String className, String service, Integer port, String portName) {
        return new IngressBuilder().withNewMetadata().withName(name).withNamespace(NS).endMetadata().withNewSpec()
                .withIngressClassName(className).addNewRule().withHost("x." + NS + ".apps.example").withNewHttp()
                .addNewPath().withPath("/").withPathType("Prefix").withNewBackend().withNewService()
                .withName(service).withNewPort().withNumber(port).withName(portName).endPort().endService()
                .endBackend().endPath().endHttp().endRule().endSpec().build();
    }

    static Service service(String name, Map<String, String> selector,
            io.fabric8.kubernetes.api.model.ServicePort... ports) {
        return new ServiceBuilder().withNewMetadata().withName(name).withNamespace(NS).endMetadata().withNewSpec()
                .withSelector(selector).withPorts(ports).endSpec().build();
    }

    static io.fabric8.kubernetes.api.model.ServicePort port(String name, int port, Integer target,
            String targetName) {
        var b = new io.fabric8.kubernetes.api.model.ServicePortBuilder().withName(name).withPort(port);
        if (target != null) {
            b.withTargetPort(new IntOrString(target));
        } else if (targetName != null) {
            b.withTargetPort(new IntOrString(targetName));
        }
        return b.build();
    }

    private static List<String> ports(NetworkPolicy p) {
        return p.getSpec().getIngress().get(0).getPorts().stream().map(GatewayPoliciesTest::show).toList();
    }

    private static String show(NetworkPolicyPort port) {
        IntOrString v = port.getPort();
        return port.getProtocol() + "/" + (v.getIntVal() != null ? v.getIntVal() : v.getStrVal());
    }
}
