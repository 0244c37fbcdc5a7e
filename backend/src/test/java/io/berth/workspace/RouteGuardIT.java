package io.berth.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.berth.Tenant;
import io.berth.testing.Kube;
import io.berth.testing.Kubectl;
import io.berth.testing.RealStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The hosts, parents and backends a tenant's Gateway API routes may name (issue 15): names under its own workspace's
 * suffix only, attached to its own Gateway berth-apps, backends in its own namespace, no Traefik annotations (nor on an
 * Ingress), on CREATE and on UPDATE; and no Gateway or ReferenceGrant of a tenant's own. Real kubectl with two tenants'
 * kubeconfigs against the real API server, its admission policy and RBAC; each refusal asserted by its message,
 * followed by a look at what stayed.
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RouteGuardIT {

    String ns;
    String wsId;
    String otherNs;
    String domain;
    Kubectl kubectl;
    Kubectl otherKubectl;

    @BeforeAll
    void twoTenants() {
        Tenant tenant = Tenant.signUp("routes");
        Tenant other = Tenant.signUp("routes-other");
        wsId = tenant.personalWorkspaceId();
        ns = tenant.awaitReady(wsId).getString("namespace");
        otherNs = other.personalNamespace();
        kubectl = tenant.kubectl();
        otherKubectl = other.kubectl();
        domain = Kube.admin().configMaps().inNamespace("berth-system").withName("berth-apps").get().getData()
                .get("appsDomain");
        assertThat(domain).isNotBlank();
    }

    private String suffix(String namespace) {
        return "." + namespace + "." + domain;
    }

    @Test
    void routesForTheWorkspacesOwnHostsToItsOwnGatewayAreAccepted() {
        Kubectl.Result http = kubectl.apply(route("HTTPRoute", "own", "shop" + suffix(ns)));
        assertThat(http.ok()).as(http.output()).isTrue();
        Kubectl.Result grpc = kubectl.apply(route("GRPCRoute", "own-grpc", "api.v2" + suffix(ns)));
        assertThat(grpc.ok()).as(grpc.output()).isTrue();
        // The parent spelled out in full, and a backend named with the route's own namespace, are the same thing.
        Kubectl.Result explicit = kubectl.apply(route("HTTPRoute", "explicit", "blog" + suffix(ns))
                .replace("{\"name\": \"berth-apps\"}", "{\"group\": \"gateway.networking.k8s.io\", \"kind\": "
                        + "\"Gateway\", \"namespace\": \"" + ns + "\", \"name\": \"berth-apps\", \"sectionName\": "
                        + "\"https\"}")
                .replace("{\"name\": \"web\", \"port\": 80}",
                        "{\"name\": \"web\", \"namespace\": \"" + ns + "\", \"port\": 80}"));
        assertThat(explicit.ok()).as(explicit.output()).isTrue();
        assertThat(kubectl.run("get", "httproute", "own", "-o", "jsonpath={.spec.hostnames[0]}").stdout())
                .isEqualTo("shop" + suffix(ns));
    }

    @Test
    void anotherTenantsHostIsRefusedAndStaysItsOwn() {
        String theirs = "shop" + suffix(otherNs);
        Kubectl.Result mine = otherKubectl.apply(route("HTTPRoute", "theirs", theirs));
        assertThat(mine.ok()).as(mine.output()).isTrue();
        for (String kind : new String[]{"HTTPRoute", "GRPCRoute"}) {
            assertRefused(kubectl.apply(route(kind, "steal", theirs)),
                    kind + " hostnames must be names under this workspace's suffix " + suffix(ns) + " (others under "
                            + domain + " belong to other workspaces or the platform); refused: " + theirs);
        }
        assertThat(kubectl.run("get", "httproute", "steal").ok()).isFalse();
        assertThat(kubectl.run("get", "grpcroute", "steal").ok()).isFalse();
        assertThat(otherKubectl.run("get", "httproute", "theirs", "-o", "jsonpath={.spec.hostnames[0]}").stdout())
                .isEqualTo(theirs);
    }

    @Test
    void wildcardsAndThePlatformsHostsAreRefused() {
        assertRefused(kubectl.apply(route("HTTPRoute", "bad", "*" + suffix(ns))),
                "HTTPRoute hostnames may not be wildcards in workspaces; name each host under " + suffix(ns)
                        + "; refused: *" + suffix(ns));
        assertRefused(kubectl.apply(route("GRPCRoute", "bad", "*." + domain)),
                "GRPCRoute hostnames may not be wildcards in workspaces; name each host under " + suffix(ns)
                        + "; refused: *." + domain);
        for (String host : new String[]{domain, ns + "." + domain, "api." + domain}) {
            assertRefused(kubectl.apply(route("HTTPRoute", "bad", host)),
                    "HTTPRoute hostnames must be names under this workspace's suffix " + suffix(ns)
                            + " (others under " + domain + " belong to other workspaces or the platform); refused: "
                            + host);
        }
        // The portal's host is not under the apps domain: to the guard it is a custom domain like any other.
        assertRefused(kubectl.apply(route("HTTPRoute", "bad", "console.berth.localhost")),
                "refused (not verified): console.berth.localhost");
        assertRefused(kubectl.apply(route("HTTPRoute", "bad", "")),
                "this HTTPRoute needs spec.hostnames, names under " + suffix(ns));
        assertThat(kubectl.run("get", "httproute", "bad").ok()).isFalse();
        assertThat(kubectl.run("get", "grpcroute", "bad").ok()).isFalse();
    }

    @Test
    void anUnverifiedCustomDomainIsRefused() {
        assertRefused(kubectl.apply(route("HTTPRoute", "custom", "shop.example.com")),
                "HTTPRoute host shop.example.com is not under this workspace's suffix " + suffix(ns)
                        + " and is not a domain verified for this workspace (verify it under Domains in the console "
                        + "or POST /api/v1/workspaces/" + wsId + "/domains); refused (not verified): shop.example.com");
        // One bad name among good ones is enough, and it is named alone.
        assertRefused(kubectl.apply(route("HTTPRoute", "custom", "shop" + suffix(ns)).replace(
                "\"hostnames\": [", "\"hostnames\": [\"shop" + suffix(ns) + ".evil.example\", ")),
                "refused (not verified): shop" + suffix(ns) + ".evil.example");
        assertThat(kubectl.run("get", "httproute", "custom").ok()).isFalse();
    }

    @Test
    void parentsOtherThanTheWorkspacesOwnGatewayAreRefused() {
        String host = "p" + suffix(ns);
        assertRefused(kubectl.apply(route("HTTPRoute", "parent", host).replace("{\"name\": \"berth-apps\"}",
                "{\"name\": \"berth-apps\", \"namespace\": \"" + otherNs + "\"}")),
                "this HTTPRoute may attach only to its own Gateway berth-apps (parentRefs: [{name: berth-apps}]); "
                        + "refused: Gateway " + otherNs + "/berth-apps");
        assertRefused(kubectl.apply(route("GRPCRoute", "parent", host).replace("{\"name\": \"berth-apps\"}",
                "{\"name\": \"berth-gateway\", \"namespace\": \"berth-system\"}")),
                "this GRPCRoute may attach only to its own Gateway berth-apps (parentRefs: [{name: berth-apps}]); "
                        + "refused: Gateway berth-system/berth-gateway");
        assertRefused(kubectl.apply(route("HTTPRoute", "parent", host).replace("{\"name\": \"berth-apps\"}",
                "{\"name\": \"other\"}")), "refused: Gateway " + ns + "/other");
        // A Service as parent (the mesh form of a route) would route in-cluster traffic: refused too.
        assertRefused(kubectl.apply(route("HTTPRoute", "parent", host).replace("{\"name\": \"berth-apps\"}",
                "{\"group\": \"\", \"kind\": \"Service\", \"name\": \"berth-apps\"}")),
                "refused: Service " + ns + "/berth-apps");
        assertThat(kubectl.run("get", "httproute", "parent").ok()).isFalse();
        assertThat(kubectl.run("get", "grpcroute", "parent").ok()).isFalse();
    }

    @Test
    void backendsInAnotherNamespaceAreRefused() {
        String host = "b" + suffix(ns);
        assertRefused(kubectl.apply(route("HTTPRoute", "backend", host).replace("{\"name\": \"web\", \"port\": 80}",
                "{\"name\": \"web\", \"namespace\": \"" + otherNs + "\", \"port\": 80}")),
                "this HTTPRoute's backends must be in its own namespace " + ns + "; refused: " + otherNs + "/web");
        assertRefused(kubectl.apply(route("GRPCRoute", "backend", host).replace("{\"name\": \"web\", \"port\": 80}",
                "{\"name\": \"berth-backend\", \"namespace\": \"berth-system\", \"port\": 8080}")),
                "this GRPCRoute's backends must be in its own namespace " + ns
                        + "; refused: berth-system/berth-backend");
        // A copy of every request to another namespace's Service is a backend too.
        assertRefused(kubectl.apply(route("HTTPRoute", "backend", host).replace("\"rules\": [{",
                "\"rules\": [{\"filters\": [{\"type\": \"RequestMirror\", \"requestMirror\": {\"backendRef\": "
                        + "{\"name\": \"spy\", \"namespace\": \"" + otherNs + "\", \"port\": 80}}}], ")),
                "this HTTPRoute's backends must be in its own namespace " + ns + "; refused: " + otherNs + "/spy");
        assertThat(kubectl.run("get", "httproute", "backend").ok()).isFalse();
        assertThat(kubectl.run("get", "grpcroute", "backend").ok()).isFalse();
    }

    @Test
    void traefikAnnotationsAndOtherIngressClassesAreRefused() {
        String host = "t" + suffix(ns);
        assertRefused(kubectl.apply(route("HTTPRoute", "traefik", host).replace("\"name\": \"traefik\"",
                "\"name\": \"traefik\", \"annotations\": {\"traefik.io/router.entrypoints\": \"metrics\"}")),
                "Traefik annotations are not allowed in workspaces (they choose entry points, middlewares and "
                        + "transports of the gateway every tenant shares): traefik.io/router.entrypoints");
        assertRefused(kubectl.apply(ingress("traefik", host, "\"annotations\": {"
                + "\"traefik.ingress.kubernetes.io/router.middlewares\": \"" + otherNs + "-auth@kubernetescrd\"}",
                "")), "Traefik annotations are not allowed in workspaces (they choose entry points, middlewares and "
                        + "transports of the gateway every tenant shares): "
                        + "traefik.ingress.kubernetes.io/router.middlewares");
        assertRefused(kubectl.apply(ingress("traefik", host, "", "\"ingressClassName\": \"nginx\", ")),
                "spec.ingressClassName must be berth (or unset) in workspaces, not nginx");
        assertRefused(kubectl.apply(ingress("traefik", host,
                "\"annotations\": {\"kubernetes.io/ingress.class\": \"traefik\"}", "")),
                "the annotation kubernetes.io/ingress.class must be berth (or unset) in workspaces, not traefik");
        assertThat(kubectl.run("get", "httproute", "traefik").ok()).isFalse();
        assertThat(kubectl.run("get", "ingress", "traefik").ok()).isFalse();
        Kubectl.Result berth = kubectl.apply(ingress("berth-class", host, "", "\"ingressClassName\": \"berth\", "));
        assertThat(berth.ok()).as(berth.output()).isTrue();
    }

    @Test
    void anUpdateOfAnAcceptedRouteIsJudgedLikeACreateAndChangesNothing() {
        String own = "up" + suffix(ns);
        Kubectl.Result created = kubectl.apply(route("HTTPRoute", "up", own));
        assertThat(created.ok()).as(created.output()).isTrue();
        String theirs = "up" + suffix(otherNs);
        assertRefused(patch("httproute", "up", "replace", "/spec/hostnames/0", "\"" + theirs + "\""),
                "refused: " + theirs);
        assertRefused(patch("httproute", "up", "add", "/spec/hostnames/-", "\"*" + suffix(ns) + "\""),
                "may not be wildcards in workspaces; name each host under " + suffix(ns) + "; refused: *" + suffix(ns));
        assertRefused(patch("httproute", "up", "replace", "/spec/hostnames/0", "\"shop.example.com\""),
                "refused (not verified): shop.example.com");
        assertRefused(patch("httproute", "up", "remove", "/spec/hostnames", null),
                "this HTTPRoute needs spec.hostnames");
        assertRefused(patch("httproute", "up", "add", "/spec/parentRefs/0/namespace", "\"" + otherNs + "\""),
                "refused: Gateway " + otherNs + "/berth-apps");
        assertRefused(patch("httproute", "up", "add", "/spec/rules/0/backendRefs/0/namespace", "\"" + otherNs + "\""),
                "this HTTPRoute's backends must be in its own namespace " + ns + "; refused: " + otherNs + "/web");
        assertRefused(kubectl.run("annotate", "httproute", "up", "traefik.ingress.kubernetes.io/router.priority=9999"),
                "Traefik annotations are not allowed in workspaces");
        assertThat(kubectl.run("get", "httproute", "up", "-o", "jsonpath={.spec.hostnames}").stdout())
                .isEqualTo("[\"" + own + "\"]");
        assertThat(kubectl.run("get", "httproute", "up", "-o", "json").stdout()).doesNotContain(otherNs)
                .doesNotContain("example.com");
        // (The gateway's own status on the route names its controller, traefik.io/gateway-controller.)
        assertThat(kubectl.run("get", "httproute", "up", "-o", "jsonpath={.metadata.annotations}").stdout())
                .doesNotContain("traefik");

        String grpcOwn = "up-grpc" + suffix(ns);
        Kubectl.Result grpc = kubectl.apply(route("GRPCRoute", "up", grpcOwn));
        assertThat(grpc.ok()).as(grpc.output()).isTrue();
        assertRefused(patch("grpcroute", "up", "replace", "/spec/hostnames/0", "\"" + theirs + "\""),
                "GRPCRoute hostnames must be names under this workspace's suffix " + suffix(ns));
        assertRefused(patch("grpcroute", "up", "add", "/spec/rules/0/backendRefs/0/namespace", "\"" + otherNs + "\""),
                "this GRPCRoute's backends must be in its own namespace " + ns);
        assertThat(kubectl.run("get", "grpcroute", "up", "-o", "jsonpath={.spec.hostnames}").stdout())
                .isEqualTo("[\"" + grpcOwn + "\"]");

        Kubectl.Result ing = kubectl.apply(ingress("up", own, "", ""));
        assertThat(ing.ok()).as(ing.output()).isTrue();
        assertRefused(kubectl.run("annotate", "ingress", "up", "traefik.io/service.serverstransport=x@kubernetescrd"),
                "Traefik annotations are not allowed in workspaces");
        assertRefused(patch("ingress", "up", "add", "/spec/ingressClassName", "\"nginx\""),
                "spec.ingressClassName must be berth (or unset) in workspaces, not nginx");
        assertThat(kubectl.run("get", "ingress", "up", "-o", "json").stdout()).doesNotContain("traefik.io")
                .doesNotContain("nginx");
    }

    @Test
    void tenantsCannotMakeGatewaysOrReferenceGrants() {
        Kubectl.Result gateway = kubectl.runWithInput("""
                {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway", "metadata": {"name": "mine"},
                 "spec": {"gatewayClassName": "berth", "listeners": [{"name": "http", "port": 8000,
                  "protocol": "HTTP"}]}}
                """, "create", "-f", "-");
        assertThat(gateway.ok()).isFalse();
        assertThat(gateway.stderr()).contains("Forbidden").contains("cannot create resource \"gateways\" in API group "
                + "\"gateway.networking.k8s.io\" in the namespace \"" + ns + "\"");
        Kubectl.Result grant = kubectl.runWithInput("""
                {"apiVersion": "gateway.networking.k8s.io/v1beta1", "kind": "ReferenceGrant",
                 "metadata": {"name": "let-them-in"},
                 "spec": {"from": [{"group": "gateway.networking.k8s.io", "kind": "HTTPRoute", "namespace": "%s"}],
                  "to": [{"group": "", "kind": "Service"}]}}
                """.formatted(otherNs), "create", "-f", "-");
        assertThat(grant.ok()).isFalse();
        assertThat(grant.stderr()).contains("Forbidden").contains("cannot create resource \"referencegrants\" in API "
                + "group \"gateway.networking.k8s.io\" in the namespace \"" + ns + "\"");
        Kubectl.Result cls = kubectl.runWithInput("""
                {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "GatewayClass", "metadata": {"name": "mine"},
                 "spec": {"controllerName": "example.com/gateway"}}
                """, "create", "-f", "-");
        assertThat(cls.ok()).isFalse();
        assertThat(cls.stderr()).contains("cannot create resource \"gatewayclasses\" in API group "
                + "\"gateway.networking.k8s.io\" at the cluster scope");
        assertThat(Kube.admin().genericKubernetesResources("gateway.networking.k8s.io/v1", "Gateway").inNamespace(ns)
                .withName("mine").get()).isNull();
        assertThat(Kube.admin().genericKubernetesResources("gateway.networking.k8s.io/v1beta1", "ReferenceGrant")
                .inNamespace(ns).withName("let-them-in").get()).isNull();
        // Reading the workspace's own Gateway is fine; so is reading nothing of another's.
        assertThat(kubectl.run("auth", "can-i", "list", "gateways.gateway.networking.k8s.io").stdout().strip())
                .isEqualTo("yes");
        assertThat(kubectl.run("auth", "can-i", "list", "gateways.gateway.networking.k8s.io", "-n", otherNs)
                .stdout().strip()).isEqualTo("no");
        assertThat(kubectl.run("auth", "can-i", "get", "referencegrants.gateway.networking.k8s.io").stdout().strip())
                .isEqualTo("no");
    }

    private Kubectl.Result patch(String kind, String name, String op, String path, String value) {
        String operation = "{\"op\": \"" + op + "\", \"path\": \"" + path + "\""
                + (value == null ? "" : ", \"value\": " + value) + "}";
        return kubectl.run("patch", kind, name, "--type=json", "-p", "[" + operation + "]");
    }

    /** A route to Service web (port 80) for one host (none for an empty host), attached to berth-apps. */
    private static String route(String kind, String name, String host) {
        return """
                {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "%s",
                 "metadata": {"name": "%s"},
                 "spec": {"parentRefs": [{"name": "berth-apps"}], "hostnames": [%s],
                  "rules": [{"backendRefs": [{"name": "web", "port": 80}]}]}}
                """.formatted(kind, name, host.isEmpty() ? "" : "\"" + host + "\"");
    }

    private static String ingress(String name, String host, String metadata, String spec) {
        return """
                {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
                 "metadata": {"name": "%s"%s},
                 "spec": {%s"rules": [{"host": "%s", "http": {"paths": [{"path": "/", "pathType": "Prefix",
                  "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]}}
                """.formatted(name, metadata.isEmpty() ? "" : ", " + metadata, spec, host);
    }

    private static void assertRefused(Kubectl.Result r, String expected) {
        assertThat(r.ok()).as("should have been refused: " + r.output()).isFalse();
        assertThat(r.stderr()).contains("denied request: Berth: ").contains(expected);
    }
}
