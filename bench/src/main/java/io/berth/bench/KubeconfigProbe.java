package io.berth.bench;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/**
 * Uses a kubeconfig the way kubectl does (its server, CA and token) to list pods, with one reused HTTP client so the
 * measurement holds the API calls, not a client library's start-up.
 */
final class KubeconfigProbe {

    private static final YAMLMapper YAML = new YAMLMapper();
    private HttpClient client;

    /** HTTP status of GET /api/v1/namespaces/{namespace}/pods with the kubeconfig's credential. */
    int listPods(String kubeconfig, String namespace) throws Exception {
        JsonNode config = YAML.readTree(kubeconfig);
        JsonNode cluster = config.get("clusters").get(0).get("cluster");
        String token = config.get("users").get(0).get("user").get("token").asText();
        if (client == null) {
            client = HttpClient.newBuilder().sslContext(trusting(cluster.get("certificate-authority-data").asText()))
                    .connectTimeout(Duration.ofSeconds(5)).build();
        }
        HttpResponse<Void> r = client.send(HttpRequest.newBuilder(
                URI.create(cluster.get("server").asText() + "/api/v1/namespaces/" + namespace + "/pods"))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.discarding());
        return r.statusCode();
    }

    private static SSLContext trusting(String caData) throws Exception {
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null, null);
        ks.setCertificateEntry("ca", CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(caData))));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
