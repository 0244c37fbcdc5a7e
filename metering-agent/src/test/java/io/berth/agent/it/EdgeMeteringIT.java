package io.berth.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.sun.net.httpserver.HttpServer;

import io.berth.testing.RealStack;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;

/**
 * Edge metering with the real Traefik binary (v3.6.12, the gateway's): Traefik runs as a process with the file
 * provider, its metrics entrypoint and Prometheus per-service labels as in deploy/gateway, and routes to an HTTP server
 * in this test that serves a known payload. The agent finds it as the gateway pod of its node (a Pod object in
 * berth-system with the gateway's label, whose IP is 127.0.0.1) and reads it as it reads the real one. Known downloads
 * and uploads must appear as exactly that many body bytes in edge_usage_sample for the workspace namespace the
 * service is named after, across a restart of Traefik (its counters begin again at 0) and a SIGKILL of the agent,
 * with nothing lost and nothing counted twice. The file provider's services end in {@code @file}, so the agent is told
 * to accept that provider; the Kubernetes providers' names are checked in ServiceNamesTest against the forms the real
 * binary produced (docs/metering.md). The gateway on the real nodes is the lead's end-to-end test's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EdgeMeteringIT {

    static final int MIB = 1 << 20;
    /** The gateway's binary as the stack built it (Traefik with Berth's patch). */
    static final Path TRAEFIK = Path.of(RealStack.get("TRAEFIK_BIN"));

    NodeFixture node;
    String namespace;
    String gatewayUid;
    Pod gateway;
    ConfigMap owner;
    HttpServer backend;
    Process traefik;
    int webPort;
    int metricsPort;
    Path traefikDir;
    final byte[] payload = new byte[5 * MIB];
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    void start() throws Exception {
        assertThat(TRAEFIK).as("the gateway's Traefik binary (dev/stack build)").isExecutable();
        new Random(15).nextBytes(payload);
        int base = 20_000 + Integer.parseInt(System.getenv().getOrDefault("BERTH_TEST_PORT_OFFSET", "10000"));
        webPort = base + 80;
        metricsPort = base + 100;
        int backendPort = base + 90;
        node = new NodeFixture("edge");
        namespace = "ws-edge" + node.id;
        ItCluster.admin().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                .addToLabels("berth.io/workspace", "true").endMetadata().build()).createOr(op -> op.update());

        backend = HttpServer.create(new InetSocketAddress("127.0.0.1", backendPort), 0);
        backend.setExecutor(Executors.newFixedThreadPool(4));
        backend.createContext("/ws/download", x -> {
            x.sendResponseHeaders(200, payload.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(payload);
            }
        });
        backend.createContext("/ws/upload", x -> {
            long n;
            try (InputStream in = x.getRequestBody()) {
                n = in.transferTo(OutputStream.nullOutputStream());
            }
            byte[] answer = Long.toString(n).getBytes();
            x.sendResponseHeaders(201, answer.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(answer);
            }
        });
        backend.createContext("/probe", x -> {
            x.sendResponseHeaders(200, 2);
            try (OutputStream out = x.getResponseBody()) {
                out.write("ok".getBytes());
            }
        });
        backend.start();

        traefikDir = node.work.resolve("traefik");
        Files.createDirectories(traefikDir);
        // A workspace's service named as the Ingress provider names it (<namespace>-<service>-<port>), and a probe
        // that belongs to no workspace.
        Files.writeString(traefikDir.resolve("dynamic.yaml"), """
                http:
                  routers:
                    ws:
                      rule: "PathPrefix(`/ws`)"
                      entryPoints: [web]
                      service: %1$s-web-80
                    probe:
                      rule: "PathPrefix(`/probe`)"
                      entryPoints: [web]
                      service: berth-system-probe-80
                  services:
                    %1$s-web-80:
                      loadBalancer:
                        servers: [{url: "http://127.0.0.1:%2$d"}]
                    berth-system-probe-80:
                      loadBalancer:
                        servers: [{url: "http://127.0.0.1:%2$d"}]
                """.formatted(namespace, backendPort));
        Files.writeString(traefikDir.resolve("static.yaml"), """
                entryPoints:
                  web: {address: "127.0.0.1:%d"}
                  metrics: {address: "127.0.0.1:%d"}
                providers:
                  file: {filename: "%s"}
                ping: {entryPoint: metrics}
                metrics:
                  prometheus: {entryPoint: metrics, addEntryPointsLabels: true, addServicesLabels: true}
                global: {checkNewVersion: false, sendAnonymousUsage: false}
                log: {level: INFO}
                """.formatted(webPort, metricsPort, traefikDir.resolve("dynamic.yaml")));
        startTraefik();

        // The gateway pod of the agent's node, as the DaemonSet would have it (restricted Pod Security holds in
        // berth-system); no kubelet runs it, its IP is where Traefik listens.
        // Owned (as controller) by a ConfigMap of the test, so that the gateway's DaemonSet, whose selector it matches,
        // does not adopt it (and then delete it as a second pod of the node).
        owner = ItCluster.admin().configMaps().inNamespace("berth-system").resource(new ConfigMapBuilder()
                .withNewMetadata().withName("berth-gateway-it-" + node.id).endMetadata().build()).create();
        gateway = ItCluster.admin().pods().inNamespace("berth-system").resource(new PodBuilder().withNewMetadata()
                .withName("berth-gateway-it-" + node.id).addNewOwnerReference().withApiVersion("v1")
                .withKind("ConfigMap").withName(owner.getMetadata().getName()).withUid(owner.getMetadata().getUid())
                .withController(true).endOwnerReference().addToLabels("app.kubernetes.io/name", "berth-gateway")
                .addToLabels("app.kubernetes.io/part-of", "berth-agent-it").endMetadata().withNewSpec()
                .withNodeName(node.node).withTerminationGracePeriodSeconds(0L).withAutomountServiceAccountToken(false)
                .addNewToleration().withOperator("Exists").endToleration().withNewSecurityContext()
                .withRunAsNonRoot(true).withRunAsUser(65532L).withNewSeccompProfile().withType("RuntimeDefault")
                .endSeccompProfile().endSecurityContext().addNewContainer().withName("traefik")
                .withImage("registry.invalid/berth/traefik:v3.6.12").withNewSecurityContext()
                .withAllowPrivilegeEscalation(false).withNewCapabilities().withDrop("ALL").endCapabilities()
                .endSecurityContext().endContainer().endSpec().build()).create();
        gateway = ItCluster.admin().pods().inNamespace("berth-system").withName(gateway.getMetadata().getName())
                .editStatus(p -> new PodBuilder(p).editOrNewStatus().withPodIP("127.0.0.1").withPhase("Running")
                        .endStatus().build());
        gatewayUid = gateway.getMetadata().getUid();
    }

    @AfterAll
    void stop() {
        stopTraefik();
        if (backend != null) {
            backend.stop(0);
        }
        if (gateway != null) {
            ItCluster.admin().pods().inNamespace("berth-system").withName(gateway.getMetadata().getName()).delete();
        }
        if (owner != null) {
            ItCluster.admin().configMaps().inNamespace("berth-system").withName(owner.getMetadata().getName())
                    .delete();
        }
        if (namespace != null) {
            ItCluster.admin().namespaces().withName(namespace).delete();
        }
        if (node != null) {
            node.close();
        }
    }

    @Test
    void knownTransfersAreMeteredExactlyAcrossAGatewayRestartAndAnAgentKill() throws Exception {
        Map<String, String> settings = new java.util.HashMap<>(node.settings());
        settings.put("berth.agent.edge.metrics-port", Integer.toString(metricsPort));
        settings.put("berth.agent.edge.providers", "file");
        AgentProcess agent = node.agent("agent", settings).start();
        agent.awaitLog("gateway pod on node: berth-system/" + gateway.getMetadata().getName() + " uid=" + gatewayUid
                + "; edge bytes counted from its start");

        // 1. Two downloads of 5 MiB and an upload of 3 MiB (answered with its length, "3145728": 7 bytes).
        long out = 0;
        long in = 0;
        out += download();
        out += download();
        long[] up = upload(3 * MIB);
        in += up[0];
        out += up[1];
        agent.settle();
        assertEdge("after two downloads and an upload", in, out);
        assertThat(in).isEqualTo(3L * MIB);
        assertThat(out).isEqualTo(10L * MIB + 7);
        // the probe's bytes belong to no workspace: not in any row, counted as unattributed
        assertThat(AgentDb.scalar("SELECT count(*) FROM edge_usage_sample WHERE gateway_pod_uid = ?::uuid AND"
                + " namespace <> ?", gatewayUid, namespace)).isZero();
        assertThat(agent.metric("berth_agent_edge_unattributed_bytes_total{direction=\"out\"}")).isGreaterThan(0);

        // 2. Traefik restarts (its counters begin again at 0, with a new process start time) between transfers: one
        // download before it, read by the agent, one after.
        out += download();
        Thread.sleep(2500); // a read (every 1 s) after the transfer: Traefik's counts up to here are the agent's
        stopTraefik();
        startTraefik();
        out += download();
        long[] up2 = upload(MIB + 1);
        in += up2[0];
        out += up2[1];
        agent.settle();
        assertEdge("after a restart of Traefik", in, out);

        // 3. The agent is killed (SIGKILL) after a transfer; another transfer happens while it is dead; it comes back
        // and takes both from the counters it had committed.
        out += download();
        agent.kill();
        out += download();
        long[] up3 = upload(2 * MIB);
        in += up3[0];
        out += up3[1];
        Thread.sleep(3000);
        agent.start();
        agent.settle();
        assertEdge("after a SIGKILL of the agent", in, out);

        // 4. The agent is killed, and Traefik restarted, but only once the agent is back and has read it: the bytes
        // counted before the restart were committed, those after it are counted from 0.
        out += download();
        agent.kill();
        agent.start();
        Thread.sleep(2500);
        stopTraefik();
        startTraefik();
        out += download();
        agent.settle();
        assertEdge("after a SIGKILL of the agent and a restart of Traefik", in, out);
        assertThat(out).isEqualTo(8L * 5 * MIB + 7 + 7 + 7);
    }

    /** The workspace's edge rows from this gateway pod add up to exactly what went through. */
    private void assertEdge(String when, long in, long out) {
        Map<String, Object> t = AgentDb.query("SELECT coalesce(sum(bytes_in), 0) AS bytes_in, coalesce(sum(bytes_out),"
                + " 0) AS bytes_out, count(*) AS rows, count(DISTINCT window_start) AS windows FROM edge_usage_sample"
                + " WHERE gateway_pod_uid = ?::uuid AND namespace = ? AND node = ?", gatewayUid, namespace, node.node)
                .get(0);
        System.out.println("[edge-it] " + when + ": sent in " + in + ", out " + out + "; metered " + t);
        assertThat(AgentDb.num(t, "bytes_in")).as(when + ": bytes in").isEqualTo(in);
        assertThat(AgentDb.num(t, "bytes_out")).as(when + ": bytes out").isEqualTo(out);
        assertThat(AgentDb.num(t, "rows")).as(when + ": one row per window").isEqualTo(AgentDb.num(t, "windows"));
    }

    /** A download through Traefik; returns the body bytes received (checked against the payload). */
    private long download() throws Exception {
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webPort
                + "/ws/download")).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo(payload);
        return r.body().length;
    }

    /** An upload through Traefik; returns {body bytes sent, body bytes of the answer}. */
    private long[] upload(int size) throws Exception {
        byte[] body = new byte[size];
        new Random(size).nextBytes(body);
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webPort
                + "/ws/upload")).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(r.body()).isEqualTo(Integer.toString(size));
        return new long[]{size, r.body().length()};
    }

    private void startTraefik() throws Exception {
        traefik = new ProcessBuilder(TRAEFIK.toString(), "--configFile=" + traefikDir.resolve("static.yaml"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(traefikDir.resolve(
                        "traefik.log").toFile()))
                .start();
        // Up once the probe route answers (its bytes are nobody's, so they change no workspace's count).
        AgentProcess.await(Duration.ofSeconds(30), () -> {
            if (!traefik.isAlive()) {
                throw new IllegalStateException("traefik exited: " + tail());
            }
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webPort + "/probe"))
                        .build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }, "traefik routing");
    }

    private void stopTraefik() {
        if (traefik != null && traefik.isAlive()) {
            traefik.destroy();
            try {
                if (!traefik.waitFor(30, TimeUnit.SECONDS)) {
                    traefik.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(traefikDir.resolve("traefik.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return e.toString();
        }
    }
}
