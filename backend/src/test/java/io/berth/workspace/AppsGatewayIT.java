package io.berth.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.microsoft.playwright.Page;

import io.berth.Tenant;
import io.berth.e2e.Browser;
import io.berth.testing.Kube;
import io.berth.testing.Kubectl;
import io.berth.testing.RealStack;
import io.berth.testing.RealStackResource;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Each workspace's own Gateway and certificate (issue 15): after sign-up the namespace has Gateway berth-apps for
 * {@code *.<namespace>.<apps domain>} over HTTP and HTTPS, and Secret berth-apps-tls with a wildcard certificate the
 * stack's apps CA signed; a reconcile keeps that certificate; the tenant can change neither. Real API server, real
 * backend reconciler, the tenant's own kubectl.
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AppsGatewayIT {

    Tenant tenant;
    String workspace;
    String ns;
    String domain;
    Kubectl kubectl;

    @BeforeAll
    void aTenant() {
        tenant = Tenant.signUp("apps");
        workspace = tenant.personalWorkspaceId();
        ns = tenant.awaitReady(workspace).getString("namespace");
        kubectl = tenant.kubectl();
        domain = Kube.admin().configMaps().inNamespace("berth-system").withName("berth-apps").get().getData()
                .get("appsDomain");
        assertThat(domain).isEqualTo(RealStack.get("APPS_DOMAIN"));
    }

    @Test
    void theWorkspaceHasItsGatewayForItsOwnNamesOnly() {
        Gateway gw = gateway();
        assertThat(gw).as("Gateway berth-apps in " + ns).isNotNull();
        assertThat(gw.getMetadata().getLabels()).containsEntry("berth.io/managed", "true");
        assertThat(gw.getSpec().getGatewayClassName()).isEqualTo("berth");
        List<Listener> listeners = gw.getSpec().getListeners();
        assertThat(listeners).extracting(Listener::getName, Listener::getPort, Listener::getProtocol,
                Listener::getHostname).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("http", 8000, "HTTP", "*." + ns + "." + domain),
                        org.assertj.core.groups.Tuple.tuple("https", 8443, "HTTPS", "*." + ns + "." + domain));
        assertThat(listeners).allSatisfy(l -> assertThat(l.getAllowedRoutes().getNamespaces().getFrom())
                .as("routes of this namespace only").isEqualTo("Same"));
        var tls = listeners.get(1).getTls();
        assertThat(tls.getMode()).isEqualTo("Terminate");
        assertThat(tls.getCertificateRefs()).singleElement().satisfies(ref -> {
            assertThat(ref.getKind()).isEqualTo("Secret");
            assertThat(ref.getName()).isEqualTo("berth-apps-tls");
            assertThat(ref.getNamespace()).isNull();
        });
        assertThat(tenant.workspace(workspace).getString("appsHostSuffix")).isEqualTo(ns + "." + domain);
    }

    @Test
    void theCertificateIsTheWorkspacesWildcardSignedByTheAppsCa() throws Exception {
        Secret secret = secret();
        assertThat(secret.getType()).isEqualTo("kubernetes.io/tls");
        assertThat(secret.getMetadata().getLabels()).containsEntry("berth.io/managed", "true");
        List<X509Certificate> chain = AppsCertificates.certificates(pem(secret, "tls.crt"));
        X509Certificate leaf = chain.get(0);
        assertThat(AppsCertificates.dnsNames(leaf)).containsExactly("*." + ns + "." + domain);
        assertThat(leaf.getNotAfter().toInstant()).isBetween(Instant.now().plus(Duration.ofDays(89)),
                Instant.now().plus(Duration.ofDays(90)));

        X509Certificate ca = AppsCertificates.certificates(Files.readString(Path.of(RealStack.get("APPS_CA_FILE"))))
                .get(0);
        assertThat(leaf.getIssuerX500Principal()).isEqualTo(ca.getSubjectX500Principal());
        leaf.verify(ca.getPublicKey());
        // As a TLS client checks it: the apps CA the only trust anchor, its name constraints applied.
        PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca, null)));
        params.setRevocationEnabled(false);
        java.security.cert.CertPathValidator.getInstance("PKIX").validate(
                CertificateFactory.getInstance("X.509").generateCertPath(List.of(leaf)), params);
        assertThat(pem(secret, "tls.key")).startsWith("-----BEGIN PRIVATE KEY-----");
    }

    @Test
    void aReconcileKeepsTheCertificate() {
        String before = pem(secret(), "tls.crt");
        String name = "Renamed " + System.nanoTime();
        tenant.api().contentType("application/json").body(Map.of("displayName", name))
                .patch("/api/v1/workspaces/" + workspace).then().statusCode(200);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!name.equals(Kube.admin().namespaces().withName(ns).get().getMetadata().getAnnotations()
                .get("berth.io/display-name"))) {
            assertThat(System.nanoTime()).as("the rename reached the namespace").isLessThan(deadline);
            Tenant.sleep(100);
        }
        tenant.awaitReady(workspace);
        assertThat(pem(secret(), "tls.crt")).as("the same certificate").isEqualTo(before);
    }

    @Test
    void theTenantCanChangeNeitherTheGatewayNorItsCertificate() {
        assertDenied(kubectl.run("delete", "secret", "berth-apps-tls"),
                "Berth: secrets berth-apps-tls is managed by the platform and cannot be created, changed or deleted "
                        + "from a workspace");
        assertDenied(kubectl.run("patch", "secret", "berth-apps-tls", "--type=merge", "-p",
                "{\"data\": {\"tls.crt\": \"" + Base64.getEncoder().encodeToString("forged".getBytes()) + "\"}}"),
                "Berth: secrets berth-apps-tls is managed by the platform");
        assertDenied(kubectl.run("label", "secret", "berth-apps-tls", "berth.io/managed-"),
                "Berth: secrets berth-apps-tls is managed by the platform");
        Kubectl.Result fake = kubectl.apply("""
                {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "looks-managed",
                 "labels": {"berth.io/managed": "true"}}, "type": "Opaque", "data": {}}
                """);
        assertDenied(fake, "Berth: secrets looks-managed is managed by the platform");

        Kubectl.Result delete = kubectl.run("delete", "gateway", "berth-apps");
        assertThat(delete.ok()).isFalse();
        assertThat(delete.stderr()).contains("cannot delete resource \"gateways\" in API group "
                + "\"gateway.networking.k8s.io\" in the namespace \"" + ns + "\"");
        Kubectl.Result patch = kubectl.run("patch", "gateway", "berth-apps", "--type=json", "-p",
                "[{\"op\": \"replace\", \"path\": \"/spec/listeners/0/allowedRoutes/namespaces/from\", "
                        + "\"value\": \"All\"}]");
        assertThat(patch.ok()).isFalse();
        assertThat(patch.stderr()).contains("cannot patch resource \"gateways\" in API group "
                + "\"gateway.networking.k8s.io\" in the namespace \"" + ns + "\"");
        assertThat(kubectl.run("get", "gateway", "berth-apps", "-o", "jsonpath={.spec.listeners[0].allowedRoutes}")
                .stdout()).as("the tenant may read it").contains("Same");

        assertThat(gateway().getSpec().getListeners().get(0).getAllowedRoutes().getNamespaces().getFrom())
                .isEqualTo("Same");
        assertThat(secret().getMetadata().getLabels()).containsEntry("berth.io/managed", "true");
        assertThat(pem(secret(), "tls.crt")).contains("BEGIN CERTIFICATE").doesNotContain("forged");
    }

    @Test
    void theConsoleShowsTheWorkspacesHostSuffix() {
        String base = RealStack.get("BERTH_URL");
        try (Browser browser = Browser.start(); Browser.Session session = browser.open()) {
            Page page = session.page;
            page.navigate(base + "/console/workspaces/" + workspace);
            page.locator("#username").fill(tenant.user.username());
            page.locator("#password").fill(tenant.user.password());
            page.locator("#kc-login").click();
            page.waitForURL(Pattern.compile("^" + Pattern.quote(base) + "/console/workspaces/.*"));
            assertThat(page.locator("#apps-host-suffix").textContent()).isEqualTo(ns + "." + domain);
        }
    }

    private Gateway gateway() {
        return Kube.admin().resources(Gateway.class).inNamespace(ns).withName("berth-apps").get();
    }

    private Secret secret() {
        return Kube.admin().secrets().inNamespace(ns).withName("berth-apps-tls").get();
    }

    private static String pem(Secret secret, String key) {
        return new String(Base64.getDecoder().decode(secret.getData().get(key)), StandardCharsets.US_ASCII);
    }

    private static void assertDenied(Kubectl.Result r, String expected) {
        assertThat(r.ok()).as("should have been denied: " + r.output()).isFalse();
        assertThat(r.stderr()).contains("denied request: ").contains(expected);
    }
}
