package io.berth.agent.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Parsing Traefik's Prometheus page, on pages captured from the real binary (v3.6.12). */
class PromTextTest {

    static PromText.Scrape resource(String name) throws IOException {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                PromTextTest.class.getResourceAsStream("/" + name), StandardCharsets.UTF_8))) {
            return PromText.parse(in);
        }
    }

    static PromText.Scrape text(String page) throws IOException {
        return PromText.parse(new BufferedReader(new StringReader(page)));
    }

    /**
     * Captured after one GET of a 5 MiB body and one POST of a 5 MiB body (answered with 2 bytes) through a file
     * provider service named like an Ingress backend: bodies only, and floats such as 5.24288e+06.
     */
    @Test
    void theRealPageGivesBodyBytesPerServiceAndSeries() throws IOException {
        PromText.Scrape s = resource("traefik-v3.6.12-file-metrics.txt");
        assertThat(s.startMillis()).isEqualTo(1_796_232_852_700L);
        assertThat(s.services()).containsOnlyKeys("ws-k3j9x2ab1q-web-80@file");
        assertThat(s.services().get("ws-k3j9x2ab1q-web-80@file")).containsExactly(
                Map.entry("code=200,method=GET,protocol=http", new Bytes(0, 5_242_880)),
                Map.entry("code=201,method=POST,protocol=http", new Bytes(5_242_880, 2)));
    }

    /**
     * Captured from the gateway DaemonSet of the dev stack (v3.6.12, deploy/gateway) after POSTs through an Ingress
     * naming its backend's port by number, one naming it by name, and an HTTPRoute (the upstream did not answer: 504,
     * the request bodies were never read). These are the service label forms the agent maps to workspaces.
     */
    @Test
    void theGatewaysKubernetesServiceNamesMapToTheirWorkspace() throws IOException {
        PromText.Scrape s = resource("traefik-v3.6.12-kubernetes-metrics.txt");
        assertThat(s.startMillis()).isEqualTo(1_796_235_198_980L);
        assertThat(s.services()).containsOnlyKeys("ws-edgeverify-web-80@kubernetes",
                "ws-edgeverify-web-http@kubernetes", "ws-edgeverify-my-api-http-8080@kubernetesgateway");
        assertThat(s.services().get("ws-edgeverify-web-80@kubernetes"))
                .containsExactly(Map.entry("code=504,method=POST,protocol=http", new Bytes(0, 30)));
        assertThat(s.services().get("ws-edgeverify-web-http@kubernetes"))
                .containsExactly(Map.entry("code=504,method=POST,protocol=http", new Bytes(0, 15)));
        for (String service : s.services().keySet()) {
            assertThat(ServiceNames.namespaceOf(service, Set.of("kubernetes", "kubernetesgateway"),
                    List.of("ws-edgeverify", "ws-edge", "ws-k3j9x2ab1q"))).as(service).contains("ws-edgeverify");
        }
    }

    @Test
    void labelsAreUnescapedAndOtherMetricsWithTheSamePrefixAreNotCounted() throws IOException {
        PromText.Scrape s = text(
                """
                        # HELP traefik_service_requests_bytes_total x
                        traefik_service_requests_bytes_total{code="200",service="a\\"b\\\\c@kubernetes",method="GET"} 12
                        traefik_service_requests_bytes_total_extra{service="x@kubernetes"} 99
                        traefik_service_responses_bytes_total{service="a\\"b\\\\c@kubernetes",code="200",method="GET"} 3.5e+01 1700000000000
                        traefik_service_requests_total{service="a@kubernetes"} 7
                        """);
        assertThat(s.startMillis()).isZero();
        assertThat(s.services()).containsExactly(Map.entry("a\"b\\c@kubernetes",
                Map.of("code=200,method=GET", new Bytes(12, 35))));
    }

    @Test
    void whatIsNoByteCounterFailsTheReadRatherThanCountingWrong() {
        assertThatThrownBy(() -> text("traefik_service_requests_bytes_total{service=\"a@kubernetes\"} -1\n"))
                .hasMessageContaining("negative");
        assertThatThrownBy(() -> text("traefik_service_requests_bytes_total{service=\"a@kubernetes\"} NaN\n"))
                .hasMessageContaining("not a number");
        assertThatThrownBy(() -> text("traefik_service_requests_bytes_total{code=\"200\"} 5\n"))
                .hasMessageContaining("without a service label");
        assertThatThrownBy(() -> text("traefik_service_requests_bytes_total{service=\"a@kubernetes 5\n"))
                .hasMessageContaining("unterminated");
        assertThatThrownBy(() -> text(
                "traefik_service_requests_bytes_total{service=\"a@kubernetes\",service=\"b@kubernetes\"} 5\n"))
                .hasMessageContaining("twice");
    }
}
