package io.berth.agent.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.berth.agent.AgentConfig;
import io.berth.agent.pods.PodInfo;
import io.berth.agent.pods.PodResources;
import io.berth.agent.sink.EdgeSample;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** From gateway readings to rows: which pods are gateways, attribution, gaps, and waiting for the namespace list. */
class EdgeMeterTest {

    static final String WS = "ws-aaaaaaaaaa";
    static final String OK = "code=200,method=GET,protocol=http";

    static final AgentConfig.Edge EDGE = new AgentConfig.Edge() {
        public boolean enabled() {
            return true;
        }

        public String gatewayNamespace() {
            return "berth-system";
        }

        public String gatewayLabel() {
            return "app.kubernetes.io/name=berth-gateway";
        }

        public int metricsPort() {
            return 9100;
        }

        public String metricsPath() {
            return "/metrics";
        }

        public Duration timeout() {
            return Duration.ofSeconds(1);
        }

        public List<String> providers() {
            return List.of("kubernetes", "kubernetesgateway");
        }

        public String workspaceLabel() {
            return "berth.io/workspace=true";
        }
    };

    static final class Namespaces extends WorkspaceNamespaces {
        boolean synced = true;
        Set<String> names = Set.of(WS);

        Namespaces() {
            super(null, "berth.io/workspace=true", Duration.ofHours(1));
        }

        @Override
        public boolean synced() {
            return synced;
        }

        @Override
        public Set<String> current() {
            return names;
        }
    }

    static PodInfo pod(String uid, String namespace, Map<String, String> labels, Instant created) {
        return new PodInfo(uid, namespace, "gw-" + uid, "n1", "10.0.0.9", "BestEffort", false, created,
                PodResources.NONE, labels);
    }

    static final Map<String, String> GATEWAY = Map.of("app.kubernetes.io/name", "berth-gateway");

    final Deque<PromText.Scrape> scrapes = new ArrayDeque<>();
    final Namespaces namespaces = new Namespaces();
    final EdgeMeter meter = new EdgeMeter("n1", EDGE, namespaces, Map.of(), p -> {
        if (scrapes.isEmpty()) {
            throw new IOException("connection refused");
        }
        return scrapes.poll();
    }, new SimpleMeterRegistry());

    @Test
    void onlyLabelledPodsInTheGatewayNamespaceAreRead() {
        PodInfo real = pod("00000000-0000-0000-0000-000000000001", "berth-system", GATEWAY, Instant.ofEpochMilli(0));
        PodInfo impostor = pod("00000000-0000-0000-0000-000000000002", WS, GATEWAY, Instant.ofEpochMilli(0));
        PodInfo unlabelled = pod("00000000-0000-0000-0000-000000000003", "berth-system", Map.of(),
                Instant.ofEpochMilli(0));
        assertThat(meter.isGateway(real)).isTrue();
        assertThat(meter.isGateway(impostor)).isFalse();
        assertThat(meter.isGateway(unlabelled)).isFalse();
    }

    @Test
    void bytesGoToTheirWorkspaceSpreadOverMissedWindowsAndUnknownServicesToNobody() {
        String uid = "00000000-0000-0000-0000-000000000001";
        Map<String, PodInfo> pods = Map.of(uid, pod(uid, "berth-system", GATEWAY, Instant.ofEpochMilli(5_000)));
        scrapes.add(EdgeTracksTest.scrape(1000, WS + "-web-80@kubernetes", OK, 10, 1001,
                WS + "-api-http-8080@kubernetesgateway", OK, 5, 2, "berth-system-dashboard-80@kubernetes", OK, 99, 99,
                "api@internal", OK, 1, 1));
        meter.read(pods, 0);
        // three windows of 2 s missed: [0,2), [2,4), [4,6); remainders go to the latest
        EdgeMeter.Window w = meter.close(0, 6_000, 2_000, 60).orElseThrow();
        assertThat(w.rows()).containsExactly(new EdgeSample(0, 2_000, "n1", uid, WS, 5, 334),
                new EdgeSample(2_000, 4_000, "n1", uid, WS, 5, 334),
                new EdgeSample(4_000, 6_000, "n1", uid, WS, 5, 335));
        assertThat(w.next().get(uid).services()).hasSize(4);
    }

    @Test
    void untilTheNamespacesAreListedNothingIsAttributedAndNothingCommitted() {
        String uid = "00000000-0000-0000-0000-000000000001";
        Map<String, PodInfo> pods = Map.of(uid, pod(uid, "berth-system", GATEWAY, Instant.ofEpochMilli(5_000)));
        namespaces.synced = false;
        scrapes.add(EdgeTracksTest.scrape(1000, WS + "-web-80@kubernetes", OK, 10, 20));
        meter.read(pods, 0);
        assertThat(meter.close(0, 2_000, 2_000, 60)).isEmpty();
        namespaces.synced = true;
        scrapes.add(EdgeTracksTest.scrape(1000, WS + "-web-80@kubernetes", OK, 15, 30));
        meter.read(pods, 0);
        assertThat(meter.close(2_000, 4_000, 2_000, 60).orElseThrow().rows())
                .containsExactly(new EdgeSample(2_000, 4_000, "n1", uid, WS, 15, 30));
    }

    @Test
    void aGatewayOlderThanEdgeMeteringStartsAtItsFirstReading() {
        String uid = "00000000-0000-0000-0000-000000000001";
        Map<String, PodInfo> pods = Map.of(uid, pod(uid, "berth-system", GATEWAY, Instant.ofEpochMilli(5_000)));
        scrapes.add(EdgeTracksTest.scrape(1000, WS + "-web-80@kubernetes", OK, 1000, 2000));
        meter.read(pods, 10_000); // metering counts from 10 s; the gateway is from 5 s
        EdgeMeter.Window w = meter.close(0, 2_000, 2_000, 60).orElseThrow();
        assertThat(w.rows()).isEmpty();
        meter.committed();
        scrapes.add(EdgeTracksTest.scrape(1000, WS + "-web-80@kubernetes", OK, 1001, 2002));
        meter.read(pods, 10_000);
        assertThat(meter.close(2_000, 4_000, 2_000, 60).orElseThrow().rows())
                .containsExactly(new EdgeSample(2_000, 4_000, "n1", uid, WS, 1, 2));
    }
}
