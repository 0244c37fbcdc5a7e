package io.berth.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.agroal.api.AgroalDataSource;
import io.berth.testing.DemoPods;
import io.berth.testing.Kube;
import io.berth.testing.Kubectl;
import io.berth.testing.Nodes;
import io.berth.testing.RealStack;
import io.berth.testing.RealStackResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The stack's two nodes as one cluster: pods on different nodes talk (routes across the LAN, addresses kept, so
 * policies see pod IPs), and the agent of each node, the DaemonSet's pods, meters the pods of its own node and no
 * other.
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class MultiNodeIT {

    @Inject
    AgroalDataSource ds;

    @Test
    void podsOnTwoNodesTalkAndEachNodesAgentMetersOnlyItsOwnPods() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(RealStack.withAgent(), "needs the agent's DaemonSet");
        assertThat(Nodes.names()).hasSizeGreaterThanOrEqualTo(2);
        String ns = "two-nodes-" + Long.toString(System.nanoTime() % 1_000_000L, 36);
        Kube.admin().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                .create();
        try {
            DemoPods pods = new DemoPods(Kubectl.withKubeconfig(Files.readString(Path.of(RealStack.get(
                    "ADMIN_KUBECONFIG")))), ns);
            DemoPods.Pod server = pods.run("server", DemoPods.WEB_IMAGE, Nodes.name(1), null);
            DemoPods.Pod client = pods.run("client", DemoPods.CLIENT_IMAGE, Nodes.name(2), null);
            assertThat(server.node()).isEqualTo(Nodes.name(1));
            assertThat(client.node()).isEqualTo(Nodes.name(2));
            DemoPods.awaitMetered(server, Duration.ofSeconds(60));
            DemoPods.awaitMetered(client, Duration.ofSeconds(60));
            long bytes = 8L << 20;
            JsonNode download = pods.exec(client, "fetch", "-expect", Long.toString(bytes), "http://" + server.ip()
                    + ":8080/bytes/" + bytes);
            assertThat(download.get("bytes").asLong()).isEqualTo(bytes);
            // The server saw the client's own address: nothing masqueraded between the nodes.
            JsonNode peer = pods.exec(client, "fetch", "-body", "http://" + server.ip() + ":8080/peer");
            assertThat(peer.get("body").asText()).isEqualTo(client.ip());

            Instant done = Instant.now();
            long deadline = System.nanoTime() + Duration.ofSeconds(150).toNanos();
            while (lastWindowEnd(server.uid()).isBefore(done) || lastWindowEnd(client.uid()).isBefore(done)) {
                assertThat(System.nanoTime()).as("both pods' windows past the transfer").isLessThan(deadline);
                Thread.sleep(1000);
            }
            // What the server's kernel says it sent on the two connections (retransmissions included); at least
            // the payload's 1448-byte segments with their 52 bytes of headers each.
            List<String> servers = List.of(server.ip() + ":8080");
            double wire = pods.wireBytesServed(client, download, servers) + pods.wireBytesServed(client, peer, servers);
            assertThat(wire).isGreaterThanOrEqualTo(Math.ceil(bytes / 1448.0) * 1500);
            assertThat((double) sum("net_internal_tx_bytes", server.uid())).isCloseTo(wire, within(wire * 0.01));
            assertThat((double) sum("net_internal_rx_bytes", client.uid())).isCloseTo(wire, within(wire * 0.01));
            assertThat(nodesOf(server.uid())).containsExactly(Nodes.name(1));
            assertThat(nodesOf(client.uid())).containsExactly(Nodes.name(2));
            // Each node's agent saw only its own node's pod.
            String first = agentLog(Nodes.name(1));
            String second = agentLog(Nodes.name(2));
            assertThat(first).contains("uid=" + server.uid()).doesNotContain("uid=" + client.uid());
            assertThat(second).contains("uid=" + client.uid()).doesNotContain("uid=" + server.uid());
        } finally {
            Kube.admin().namespaces().withName(ns).delete();
        }
    }

    private static String agentLog(String node) {
        List<Pod> agents = Kube.admin().pods().inNamespace("berth-metering").withField("spec.nodeName", node).list()
                .getItems();
        assertThat(agents).as("one agent on " + node).hasSize(1);
        return Kube.admin().pods().inNamespace("berth-metering").withName(agents.get(0).getMetadata().getName())
                .getLog();
    }

    private List<String> nodesOf(String podUid) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = ds.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT DISTINCT node FROM pod_usage_sample WHERE pod_uid = ?::uuid")) {
            s.setString(1, podUid);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    out.add(r.getString(1));
                }
            }
        }
        return out;
    }

    private Instant lastWindowEnd(String podUid) throws Exception {
        try (Connection c = ds.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT max(window_end) FROM pod_usage_sample WHERE pod_uid = ?::uuid")) {
            s.setString(1, podUid);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getTimestamp(1) == null ? Instant.EPOCH : r.getTimestamp(1).toInstant();
            }
        }
    }

    private long sum(String column, String podUid) throws Exception {
        try (Connection c = ds.getConnection();
                PreparedStatement s = c.prepareStatement(
                        "SELECT coalesce(sum(" + column + "), 0) FROM pod_usage_sample WHERE pod_uid = ?::uuid")) {
            s.setString(1, podUid);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }
    }
}
