package io.berth.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.berth.Tenant;
import io.berth.testing.Kube;
import io.berth.testing.Kubectl;
import io.berth.testing.RealStack;
import io.berth.testing.RealStackResource;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.FlowSchema;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.PriorityLevelConfiguration;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * API Priority and Fairness (issue 12, item 9): the API server classifies each request and says so in the response
 * headers X-Kubernetes-PF-FlowSchema-UID and X-Kubernetes-PF-PriorityLevel-UID. Requests with the backend's and the
 * agent's real credentials land in their own levels; a tenant's, by its kubeconfig or by any ServiceAccount of its
 * workspace, in the tenants' level, never the backend's.
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiFairnessIT {

    Tenant tenant;
    String ns;
    HttpClient http;

    @BeforeAll
    void aTenant() throws Exception {
        tenant = Tenant.signUp("apf");
        ns = tenant.personalNamespace();
        http = HttpClient.newBuilder().sslContext(trusting(Path.of(RealStack.get("KUBE_CA_FILE")))).build();
    }

    record Classified(int status, String flowSchema, String priorityLevel) {
    }

    @Test
    void theBackendsRequestsHaveTheirOwnFlowSchemaAndPriorityLevel() throws Exception {
        String token = tokenOf(Files.readString(Path.of(RealStack.get("BACKEND_KUBECONFIG"))));
        Classified c = classify(token, "/api/v1/namespaces/" + ns + "/resourcequotas");
        assertThat(c.status()).isEqualTo(200);
        assertThat(c.flowSchema()).isEqualTo(uid(flowSchema("berth-backend")));
        assertThat(c.priorityLevel()).isEqualTo(uid(priorityLevel("berth-backend")));
    }

    @Test
    void theMeteringAgentsRequestsHaveTheirOwnFlowSchemaAndPriorityLevel() throws Exception {
        String token = Kube.admin().serviceAccounts().inNamespace("berth-metering").withName("berth-metering-agent")
                .tokenRequest(new io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder().withNewSpec()
                        .withExpirationSeconds(600L).endSpec().build())
                .getStatus().getToken();
        Classified c = classify(token, "/api/v1/pods?fieldSelector=spec.nodeName%3D" + RealStack.nodes().get(0));
        assertThat(c.status()).isEqualTo(200);
        assertThat(c.flowSchema()).isEqualTo(uid(flowSchema("berth-metering-agent")));
        assertThat(c.priorityLevel()).isEqualTo(uid(priorityLevel("berth-metering-agent")));
    }

    @Test
    void aTenantsRequestsShareNoLevelWithThePlatformWhateverIdentityTheyUse() throws Exception {
        String tenants = uid(priorityLevel("berth-tenants"));
        String user = tokenOf(tenant.kubeconfig());
        Classified inNamespace = classify(user, "/api/v1/namespaces/" + ns + "/pods");
        assertThat(inNamespace.status()).isEqualTo(200);
        assertThat(inNamespace.flowSchema()).as("one flow per namespace").isEqualTo(uid(
                flowSchema("berth-tenants-namespaced")));
        assertThat(inNamespace.priorityLevel()).isEqualTo(tenants);
        // Refused requests are classified too (APF comes before authorization): listing nodes, discovery.
        Classified clusterScoped = classify(user, "/api/v1/nodes");
        assertThat(clusterScoped.status()).isEqualTo(403);
        assertThat(clusterScoped.flowSchema()).isEqualTo(uid(flowSchema("berth-tenants")));
        assertThat(clusterScoped.priorityLevel()).isEqualTo(tenants);
        assertThat(classify(user, "/apis").priorityLevel()).isEqualTo(tenants);

        // A ServiceAccount the tenant makes is in the tenants' level as well.
        Kubectl kubectl = tenant.kubectl();
        assertThat(kubectl.run("create", "serviceaccount", "flooder").ok()).isTrue();
        String sa = kubectl.run("create", "token", "flooder", "--duration=10m").stdout().strip();
        Classified own = classify(sa, "/api/v1/namespaces/" + ns + "/configmaps");
        assertThat(own.status()).isEqualTo(403);
        assertThat(own.priorityLevel()).isEqualTo(tenants);
        assertThat(own.priorityLevel()).isNotEqualTo(uid(priorityLevel("berth-backend")));
    }

    @Test
    void thePlatformsSchemasComeBeforeTheTenantsAndTheBuiltInServiceAccountsOne() {
        int backend = flowSchema("berth-backend").getSpec().getMatchingPrecedence();
        int agent = flowSchema("berth-metering-agent").getSpec().getMatchingPrecedence();
        int tenantsNamespaced = flowSchema("berth-tenants-namespaced").getSpec().getMatchingPrecedence();
        int tenants = flowSchema("berth-tenants").getSpec().getMatchingPrecedence();
        int kubeSystem = flowSchema("kube-system-service-accounts").getSpec().getMatchingPrecedence();
        int builtIn = flowSchema("service-accounts").getSpec().getMatchingPrecedence();
        assertThat(backend).isLessThan(tenantsNamespaced);
        assertThat(agent).isLessThan(tenantsNamespaced);
        assertThat(kubeSystem).as("kube-system's controllers keep their schema").isLessThan(tenantsNamespaced);
        assertThat(tenantsNamespaced).isLessThan(tenants);
        assertThat(tenants).isLessThan(builtIn);
        assertThat(flowSchema("berth-tenants-namespaced").getSpec().getDistinguisherMethod().getType())
                .isEqualTo("ByNamespace");
        for (String level : new String[]{"berth-backend", "berth-metering-agent", "berth-tenants"}) {
            assertThat(priorityLevel(level).getSpec().getType()).isEqualTo("Limited");
        }
    }

    // --- helpers

    private Classified classify(String token, String path) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(RealStack.get("KUBE_API_URL") + path))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        return new Classified(r.statusCode(), r.headers().firstValue("X-Kubernetes-PF-FlowSchema-UID").orElse(""),
                r.headers().firstValue("X-Kubernetes-PF-PriorityLevel-UID").orElse(""));
    }

    private static FlowSchema flowSchema(String name) {
        return Kube.admin().flowControl().v1().flowSchema().withName(name).get();
    }

    private static PriorityLevelConfiguration priorityLevel(String name) {
        return Kube.admin().flowControl().v1().priorityLevelConfigurations().withName(name).get();
    }

    private static String uid(io.fabric8.kubernetes.api.model.HasMetadata o) {
        return o.getMetadata().getUid();
    }

    private static String tokenOf(String kubeconfig) {
        Matcher m = Pattern.compile("token: *\"?([A-Za-z0-9._-]+)").matcher(kubeconfig);
        assertThat(m.find()).as("a token in the kubeconfig").isTrue();
        return m.group(1);
    }

    private static SSLContext trusting(Path ca) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(ca)) {
            store.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
