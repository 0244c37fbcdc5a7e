package io.berth.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.berth.Tenant;
import io.berth.testing.DemoPods;
import io.berth.testing.Kube;
import io.berth.testing.Kubectl;
import io.berth.testing.RealStack;
import io.berth.testing.RealStackResource;
import io.berth.testing.TestDns;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Custom domains end to end (issue 15): a tenant adds a domain of the stack's real test DNS zone, is told the exact
 * TXT record, cannot verify it nor route it before the record exists (or while it holds another value), verifies it
 * once {@code dev/dns} published the record, and then serves an app on it through the real gateway, over HTTP and, with
 * its own certificate Secret, HTTPS. Another workspace can neither add nor route the verified domain.
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class DomainIT {

    @Test
    void anUnverifiedDomainIsRefusedAndAVerifiedOneServesTheWorkspacesApp() throws Exception {
        Tenant tenant = Tenant.signUp("domains");
        Tenant other = Tenant.signUp("domains-other");
        String wsId = tenant.personalWorkspaceId();
        String ns = tenant.awaitReady(wsId).getString("namespace");
        String otherId = other.personalWorkspaceId();
        String otherNs = other.awaitReady(otherId).getString("namespace");
        Kubectl kubectl = tenant.kubectl();
        String appsDomain = RealStack.get("APPS_DOMAIN");
        // A name of its own per run: a stack kept between runs still has the last run's verified domain.
        String domain = "shop-" + UUID.randomUUID().toString().substring(0, 8) + "." + TestDns.zone();
        String challenge = "_berth-challenge." + domain;

        // The tenant's own certificate for the domain (self-signed), in its namespace.
        Path dir = Files.createTempDirectory("berth-domain");
        run("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-days", "1", "-subj", "/CN=" + domain, "-addext", "subjectAltName=DNS:" + domain, "-keyout",
                dir.resolve("tls.key").toString(), "-out", dir.resolve("tls.crt").toString());
        Kubectl.Result secret = kubectl.run("create", "secret", "tls", "shop-tls", "--cert",
                dir.resolve("tls.crt").toString(), "--key", dir.resolve("tls.key").toString());
        assertThat(secret.ok()).as(secret.output()).isTrue();

        // Added: pending, with the exact record to create.
        String value = tenant.api().body(Map.of("domain", domain.toUpperCase(), "tlsSecretName", "shop-tls"))
                .post("/api/v1/workspaces/" + wsId + "/domains").then().statusCode(201)
                .body("domain", equalTo(domain)).body("status", equalTo("pending"))
                .body("record.name", equalTo(challenge)).body("record.type", equalTo("TXT"))
                .body("record.value", startsWith("berth-verify=")).body("tlsSecretName", equalTo("shop-tls"))
                .extract().path("record.value");
        assertThat(value).matches("berth-verify=[A-Za-z0-9_-]{32}");
        tenant.api().get("/api/v1/workspaces/" + wsId + "/domains").then().statusCode(200)
                .body("size()", equalTo(1)).body("[0].domain", equalTo(domain))
                .body("[0].status", equalTo("pending")).body("[0].record.name", equalTo(challenge))
                .body("[0].record.value", equalTo(value));
        tenant.api().body(Map.of("domain", "*." + TestDns.zone())).post("/api/v1/workspaces/" + wsId + "/domains")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("domain")).body("errors[0].message", containsString("wildcard"));
        tenant.api().body(Map.of("domain", "shop." + ns + "." + appsDomain))
                .post("/api/v1/workspaces/" + wsId + "/domains").then().statusCode(400)
                .body("errors[0].field", equalTo("domain"))
                .body("errors[0].message", containsString("are workspaces' own hosts"));

        // Not verifiable before the record exists; the problem names the record and the value to give it.
        tenant.api().post("/api/v1/workspaces/" + wsId + "/domains/" + domain + "/verify").then().statusCode(409)
                .contentType("application/problem+json").body("title", equalTo("Domain not verified"))
                .body("detail", equalTo("No TXT record " + challenge + " was found (asked " + RealStack.get("DNS_ADDR")
                        + "). Create the TXT record " + challenge + " with the value " + value
                        + " at the DNS provider of " + domain + ", then verify again"))
                .body("errors[0].field", equalTo("domain"));

        // Nor routable: the guard says the host is not verified, and where to verify it.
        String route = route(domain);
        Kubectl.Result refused = kubectl.apply(route);
        assertThat(refused.ok()).as(refused.output()).isFalse();
        assertThat(refused.stderr()).contains("HTTPRoute host " + domain + " is not under this workspace's suffix ."
                + ns + "." + appsDomain + " and is not a domain verified for this workspace (verify it under Domains "
                + "in the console or POST /api/v1/workspaces/" + wsId + "/domains); refused (not verified): "
                + domain);
        Kubectl.Result refusedIngress = kubectl.apply(ingress(domain));
        assertThat(refusedIngress.ok()).as(refusedIngress.output()).isFalse();
        assertThat(refusedIngress.stderr()).contains("Ingress host " + domain + " is not under this workspace's "
                + "suffix ." + ns + "." + appsDomain + " and is not a domain verified for this workspace");

        // A record with another value is not the challenge; the problem says what it found.
        TestDns.addTxt(challenge, "berth-verify=someone-elses");
        tenant.api().post("/api/v1/workspaces/" + wsId + "/domains/" + domain + "/verify").then().statusCode(409)
                .body("detail", equalTo("The TXT record " + challenge + " holds \"berth-verify=someone-elses\", not "
                        + value + " (asked " + RealStack.get("DNS_ADDR") + "). Set it to " + value
                        + ", then verify again"));

        // The real record: verified.
        TestDns.addTxt(challenge, value);
        tenant.api().post("/api/v1/workspaces/" + wsId + "/domains/" + domain + "/verify").then().statusCode(200)
                .body("status", equalTo("verified")).body("verifiedAt", org.hamcrest.Matchers.notNullValue());
        awaitTrue(() -> domain.equals(Kube.admin().namespaces().withName(ns).get().getMetadata().getAnnotations()
                .get("berth.io/verified-domains")), "the namespace's annotation names " + domain);
        // The annotation is the backend's: the tenant cannot add a domain to it.
        Kubectl.Result annotate = kubectl.run("annotate", "namespace", ns, "--overwrite",
                "berth.io/verified-domains=" + domain + ",evil.example.test");
        assertThat(annotate.ok()).isFalse();
        assertThat(annotate.stderr()).contains("Forbidden");

        // The app behind it. The gateway reaches its pod through the policy the backend writes for a routed Service
        // (io.berth.route.GatewayExposure), whatever the route's host.
        DemoPods pods = new DemoPods(kubectl, ns);
        pods.run("web", DemoPods.WEB_IMAGE, null, null);
        Kubectl.Result svc = kubectl.apply("""
                {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
                 "spec": {"selector": {"app": "web"}, "ports": [{"port": 80, "targetPort": 8080}]}}
                """);
        assertThat(svc.ok()).as(svc.output()).isTrue();

        // The guard reads the namespace from the API server's cache, a moment behind the annotation's write.
        Kubectl.Result[] accepted = {null};
        awaitTrue(() -> (accepted[0] = kubectl.apply(route)).ok(), "the route is admitted");
        assertThat(accepted[0].output()).contains("httproute.gateway.networking.k8s.io/shop");
        awaitTrue(() -> Kube.admin().network().networkPolicies().inNamespace(ns).withName("berth-gateway-web")
                .get() != null, "the gateway may reach the routed Service web");
        String node = RealStack.get("GATEWAY_ADDRS").split(",")[0];
        awaitTrue(() -> "200".equals(curl("--resolve", domain + ":80:" + node, "http://" + domain + "/healthz")),
                "http://" + domain + "/healthz answers 200 through the gateway");
        awaitTrue(() -> "200".equals(curl("--resolve", domain + ":443:" + node, "--cacert",
                dir.resolve("tls.crt").toString(), "https://" + domain + "/healthz")),
                "https://" + domain + "/healthz answers 200 with the tenant's certificate");
        // The workspace's routes list it as its own: accepted, with its URL.
        awaitTrue(() -> {
            var routes = tenant.api().get("/api/v1/workspaces/" + wsId + "/routes").then().statusCode(200).extract()
                    .jsonPath();
            return "accepted".equals(routes.getString("find { it.name == 'shop' }.status")) && routes
                    .getList("find { it.name == 'shop' }.urls").contains("https://" + domain + "/");
        }, "GET /routes shows the route accepted with https://" + domain + "/");
        var listeners = Kube.admin().genericKubernetesResources("gateway.networking.k8s.io/v1", "Gateway")
                .inNamespace(ns).withName("berth-apps").get().getAdditionalProperties();
        assertThat(listeners.toString()).contains("domain-0-http").contains("domain-0-https");

        // Another workspace can neither claim nor route it.
        other.api().body(Map.of("domain", domain)).post("/api/v1/workspaces/" + otherId + "/domains").then()
                .statusCode(409).contentType("application/problem+json")
                .body("detail", containsString("The domain " + domain + " is verified for another workspace"));
        Kubectl.Result theirs = other.kubectl().apply(route(domain));
        assertThat(theirs.ok()).isFalse();
        assertThat(theirs.stderr()).contains("HTTPRoute host " + domain + " is not under this workspace's suffix ."
                + otherNs + "." + appsDomain + " and is not a domain verified for this workspace");

        // Deleted: routes for it are refused again and the gateway stops serving it.
        tenant.api().delete("/api/v1/workspaces/" + wsId + "/domains/" + domain).then().statusCode(204);
        awaitTrue(() -> "".equals(Kube.admin().namespaces().withName(ns).get().getMetadata().getAnnotations()
                .get("berth.io/verified-domains")), "the annotation no longer names " + domain);
        Kubectl.Result[] again = {null};
        awaitTrue(() -> !(again[0] = kubectl.apply(route(domain).replace("\"name\": \"shop\"",
                "\"name\": \"shop2\""))).ok(), "a new route for it is refused");
        assertThat(again[0].stderr()).contains("refused (not verified): " + domain);
        awaitTrue(() -> "404".equals(curl("--resolve", domain + ":80:" + node, "http://" + domain + "/healthz")),
                "the gateway no longer serves " + domain);
        TestDns.remove(challenge);
    }

    private static String route(String host) {
        return """
                {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute", "metadata": {"name": "shop"},
                 "spec": {"parentRefs": [{"name": "berth-apps"}], "hostnames": ["%s"],
                  "rules": [{"backendRefs": [{"name": "web", "port": 80}]}]}}
                """.formatted(host);
    }

    private static String ingress(String host) {
        return """
                {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "shop"},
                 "spec": {"rules": [{"host": "%s", "http": {"paths": [{"path": "/", "pathType": "Prefix",
                  "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}}]}}
                """.formatted(host);
    }

    /** The HTTP status curl got, or its error. */
    private static String curl(String... args) {
        List<String> command = new ArrayList<>(List.of("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                "--max-time", "5"));
        command.addAll(List.of(args));
        return run(command.toArray(String[]::new)).strip();
    }

    private static String run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(30, TimeUnit.SECONDS);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier check, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!check.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("within 60 s: " + what);
            }
            Tenant.sleep(500);
        }
    }
}
