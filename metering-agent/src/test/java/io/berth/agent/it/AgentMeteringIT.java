package io.berth.agent.it;

import static io.berth.agent.it.AgentDb.num;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.berth.testing.DemoPods;
import io.berth.testing.Nodes;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;

/**
 * The agent on a real node of the stack: pods the kubelet runs (containerd, runc, the CNI's veths, the kubelet's pod
 * cgroups), real traffic between them and to the stack's outside host, the real kernel and PostgreSQL; its numbers
 * against what was sent and against the kernel's own counters. Byte counts are compared over the traffic's own
 * interval (the pods' counters before and after it), so the IPv6 neighbour discovery a new interface sends at start
 * does not blur the exact UDP figures.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentMeteringIT {

    static final int IPV4_UDP_HEADERS = 20 + 8;

    RealNode node;
    AgentProcess agent;
    DemoPods.Pod a;
    DemoPods.Pod b;
    DemoPods.Pod c;
    DemoPods.Pod d;

    @BeforeAll
    void start() {
        node = new RealNode("metering", 1);
        node.addCarveOutHosts();
        a = node.client("a");
        b = node.running("b", null, "udp-echo", "-bind", "0.0.0.0", "-port", "7000");
        c = node.client("c");
        d = node.running("d", null, "tcp-sink", "-bind", "0.0.0.0", "-port", "7001");
        var settings = node.settings();
        settings.put("berth.agent.collector.enabled", "true");
        // As an earlier build left them on an upgraded node: its counter map (one entry per counter) and config.
        Host.run("mkdir", "-p", node.pinPath + "/maps");
        Host.run("bpftool", "map", "create", node.pinPath + "/maps/counters", "type", "percpu_array", "key", "4",
                "value", "16", "entries", "8", "name", "berth_counters");
        Host.run("bpftool", "map", "create", node.pinPath + "/maps/config", "type", "array", "key", "4", "value", "4",
                "entries", "1", "name", "berth_config");
        agent = node.agent("agent", settings).start();
        for (DemoPods.Pod p : List.of(a, b, c, d)) {
            agent.awaitLog("traffic meter attached: pod [^ ]+ uid=" + p.uid());
        }
    }

    @AfterAll
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    @Order(1)
    void udpBytesPerClassAndDirectionMatchWhatWasSentExactly() {
        node.outside("udp-echo", "-bind", Nodes.outsideIp(), "-port", "7000");
        // Bound to their own addresses, so that the answers come from them.
        node.outside("udp-echo", "-bind", RealNode.CARVED_OUT_IP, "-port", "7001");
        node.outside("udp-echo", "-bind", RealNode.BESIDE_CARVE_OUT_IP, "-port", "7001");
        quietInterfaces();
        agent.settle();
        Map<String, Object> aBefore = AgentDb.totals(a.uid());
        Map<String, Object> bBefore = AgentDb.totals(b.uid());
        JsonNode toPod = node.pods.exec(a, "udp-ping", "-dst", b.ip(), "-port", "7000", "-size", "1000", "-count",
                "500");
        JsonNode toInternet = node.pods.exec(a, "udp-ping", "-dst", Nodes.outsideIp(), "-port", "7000", "-size",
                "1200", "-count", "300");
        JsonNode toCarveOut = node.pods.exec(a, "udp-ping", "-dst", RealNode.CARVED_OUT_IP, "-port", "7001", "-size",
                "800", "-count", "200");
        JsonNode besideCarveOut = node.pods.exec(a, "udp-ping", "-dst", RealNode.BESIDE_CARVE_OUT_IP, "-port", "7001",
                "-size", "600", "-count", "100");
        for (JsonNode r : List.of(toPod, toInternet, toCarveOut, besideCarveOut)) {
            assertThat(r.get("echoed").asLong()).as("lock-step echo loses nothing").isEqualTo(r.get("sent").asLong());
        }
        agent.settle();

        long podToPod = 500L * (1000 + IPV4_UDP_HEADERS);
        long internal = podToPod + 100L * (600 + IPV4_UDP_HEADERS);
        long external = 300L * (1200 + IPV4_UDP_HEADERS) + 200L * (800 + IPV4_UDP_HEADERS);
        Map<String, Object> ta = AgentDb.since(aBefore, AgentDb.totals(a.uid()));
        Map<String, Object> tb = AgentDb.since(bBefore, AgentDb.totals(b.uid()));
        report("pod a", ta);
        report("pod b", tb);
        // Pod to pod is internal both ways; the outside host (198.18.x) is external, and so is 10.250.0.10 because
        // 10.250.0.0/24 is configured as an external carve-out of 10.0.0.0/8, while 10.250.1.10 in the same /16 is
        // internal: that /16 is split, so both are classified by the trie, the others by their /16's state.
        assertThat(num(ta, "int_tx")).isEqualTo(internal);
        assertThat(num(ta, "int_rx")).isEqualTo(internal);
        assertThat(num(ta, "ext_tx")).isEqualTo(external);
        assertThat(num(ta, "ext_rx")).isEqualTo(external);
        assertThat(num(ta, "int_tx_p")).isEqualTo(600);
        assertThat(num(ta, "int_rx_p")).isEqualTo(600);
        assertThat(num(ta, "ext_tx_p")).isEqualTo(500);
        assertThat(num(ta, "ext_rx_p")).isEqualTo(500);
        assertThat(num(tb, "int_rx")).isEqualTo(podToPod);
        assertThat(num(tb, "int_tx")).isEqualTo(podToPod);
        assertThat(num(tb, "ext_tx") + num(tb, "ext_rx")).isZero();
    }

    @Test
    @Order(3)
    void tcpBulkIsCountedAsTheWireCarriesItWithinOnePercent() {
        agent.settle();
        Map<String, Object> cBefore = AgentDb.totals(c.uid());
        Map<String, Object> dBefore = AgentDb.totals(d.uid());
        long payload = 8L << 20;
        JsonNode r = node.pods.exec(c, "tcp-send", "-dst", d.ip(), "-port", "7001", "-bytes", Long.toString(payload));
        assertThat(r.get("sent").asLong()).isEqualTo(payload);
        agent.settle();
        // Segmentation offload hands the interface 64 KiB super-packets; on the wire each segment of at most 1448
        // bytes (MSS 1460 less the timestamp option) carries 20 + 32 bytes of IP and TCP headers. How many segments
        // there were (short ones, retransmissions) is the sender's kernel's count of its connection.
        double wire = DemoPods.wireBytesSent(r);
        assertThat(wire).isGreaterThanOrEqualTo(Math.ceil(payload / 1448.0) * 1500);
        Map<String, Object> tc = AgentDb.since(cBefore, AgentDb.totals(c.uid()));
        Map<String, Object> td = AgentDb.since(dBefore, AgentDb.totals(d.uid()));
        report("pod c (tcp sender)", tc);
        report("pod d (tcp receiver)", td);
        assertThat((double) num(tc, "int_tx")).isCloseTo(wire, within(wire * 0.01));
        assertThat((double) num(td, "int_rx")).isCloseTo(wire, within(wire * 0.01));
        assertThat(num(tc, "int_tx_p")).isGreaterThanOrEqualTo((long) Math.ceil(payload / 1448.0));
        assertThat(num(tc, "ext_tx") + num(td, "ext_rx")).isZero();
    }

    @Test
    @Order(4)
    void cpuMemoryAndIoAreTheCgroupsOwnAcrossAContainerRestart() {
        Path device = AgentIo.blockDeviceOf(node.work);
        // 250m: the kubelet sets a CFS quota of 25 % of one CPU. Each run waits 2 s (the test gives the pod's blkio
        // cgroup its accounting rule meanwhile), touches 64 MiB, writes and reads 8 MiB with O_DIRECT on an emptyDir,
        // and burns for 3 s. The first run fails (exit 1), so the kubelet restarts the container once; the second
        // succeeds, and the pod is done.
        DemoPods.Pod burner = node.pods.create("burner", """
                apiVersion: v1
                kind: Pod
                metadata: {name: burner, namespace: %s}
                spec:
                  nodeSelector: {kubernetes.io/hostname: %s}
                  terminationGracePeriodSeconds: 1
                  restartPolicy: OnFailure
                  volumes: [{name: data, emptyDir: {}}]
                  containers:
                  - name: main
                    image: %s
                    imagePullPolicy: IfNotPresent
                    args: [burn, -delay, 2s, -seconds, "3", -mem-mib, "64", -io-mib, "8", -io-file, /data/io,
                           -fail-first, /data/first-run]
                    resources:
                      requests: {cpu: 250m, memory: 160Mi}
                      limits: {cpu: 250m, memory: 160Mi}
                    volumeMounts: [{name: data, mountPath: /data}]
                """.formatted(node.namespace, node.node, DemoPods.CLIENT_IMAGE));
        if (device != null) {
            AgentIo.enableIoAccounting(node.cgroup(burner, "blkio"), device);
        }
        agent.awaitLog("traffic meter attached: pod [^ ]+ uid=" + burner.uid());
        // Two runs done: restarted once, and the second run ended well.
        AgentProcess.await(Duration.ofSeconds(90), () -> {
            ContainerStatus s = ItCluster.admin().pods().inNamespace(node.namespace).withName("burner").get()
                    .getStatus().getContainerStatuses().get(0);
            return s.getRestartCount() == 1 && s.getState().getTerminated() != null
                    && s.getState().getTerminated().getExitCode() == 0;
        }, "the burner's second run done");
        long kernelUsec = node.cpuNanos(burner) / 1000;
        ContainerStatus done = ItCluster.admin().pods().inNamespace(node.namespace).withName("burner").get()
                .getStatus().getContainerStatuses().get(0);
        // Both runs' wall time, from the kubelet's timestamps (whole seconds, so one more second each).
        double runSeconds = seconds(done.getLastState().getTerminated().getStartedAt(),
                done.getLastState().getTerminated().getFinishedAt())
                + seconds(done.getState().getTerminated().getStartedAt(),
                        done.getState().getTerminated().getFinishedAt())
                + 2;
        agent.settle();

        Map<String, Object> t = AgentDb.totals(burner.uid());
        report("burner cpu", Map.of("metered_usec", num(t, "cpu_usec"), "cgroup_usec", kernelUsec, "mem_max",
                num(t, "mem_max"), "io_read", num(t, "io_read"), "io_write", num(t, "io_write")));
        assertThat((double) num(t, "cpu_usec")).isCloseTo(kernelUsec, within(kernelUsec * 0.02));
        // The known share: at least the two 3-s burns at 25 % of one CPU (so the restart did not reset the pod's
        // count), and at most 25 % of the runs' wall time: the CFS quota the kubelet set holds.
        assertThat(num(t, "cpu_usec") / 1e6).isGreaterThanOrEqualTo(2 * 3 * 0.25 * 0.95)
                .isLessThanOrEqualTo(0.25 * runSeconds);
        // 64 MiB touched by the burner are in its working set.
        assertThat(num(t, "mem_max")).isGreaterThanOrEqualTo(64L << 20);
        if (device != null) {
            assertThat(num(t, "io_write")).isBetween(2 * (8L << 20), 2 * (9L << 20));
            assertThat(num(t, "io_read")).isBetween(2 * (8L << 20), 2 * (12L << 20));
        }
    }

    @Test
    @Order(6)
    void aDeletedPodGetsItsLastRowAndGivesUpItsSlot() throws Exception {
        long rowsBefore = num(AgentDb.totals(b.uid()), "windows");
        node.pods.delete(b.name());
        agent.awaitLog("pod deleted: [^ ]+ uid=" + b.uid());
        agent.settle();
        Path slots = node.stateDir.resolve("slots.json");
        AgentProcess.await(Duration.ofSeconds(10), () -> !read(slots).contains(b.uid()), "slot released");
        assertThat(num(AgentDb.totals(b.uid()), "windows")).isGreaterThanOrEqualTo(rowsBefore);
        long last = AgentDb.scalar("SELECT extract(epoch FROM max(window_end))::bigint FROM pod_usage_sample"
                + " WHERE pod_uid = ?::uuid", b.uid());
        Thread.sleep(4500);
        assertThat(AgentDb.scalar("SELECT extract(epoch FROM max(window_end))::bigint FROM pod_usage_sample"
                + " WHERE pod_uid = ?::uuid", b.uid())).as("no rows after the pod is gone").isEqualTo(last);
    }

    @Test
    @Order(7)
    void theMapsOfAnEarlierBuildAreRetiredAndTheSplitSlash16sReported() {
        Path maps = Path.of(node.pinPath, "maps");
        assertThat(maps.resolve("counters")).doesNotExist();
        assertThat(maps.resolve("config")).doesNotExist();
        assertThat(maps.resolve("pod_counters")).exists();
        // 10.250.0.0/16 (the carve-out), 0.0.0.0/16 and 224.0.0.0/16 at least; ::/16 for IPv6.
        assertThat(agent.fullLog())
                .containsPattern("split /16s \\(looked up in the trie\\): ([3-9]|\\d\\d+) IPv4, 1 IPv6");
    }

    @Test
    @Order(7)
    void metricsHealthAndStructuredLogs() throws Exception {
        assertThat(agent.status("/q/health/live")).isEqualTo(200);
        assertThat(agent.status("/q/health/ready")).isEqualTo(200);
        assertThat(agent.metric("berth_agent_samples_written_total")).isGreaterThan(0);
        assertThat(agent.metric("berth_agent_spool_bytes")).isZero();
        assertThat(agent.metric("berth_agent_spool_oldest_age_seconds")).isZero();
        assertThat(agent.metric("berth_agent_samples_dropped_total")).isZero();
        assertThat(agent.metric("berth_agent_pods_attached")).isGreaterThanOrEqualTo(3);
        assertThat(agent.metric("berth_agent_command_seconds_count")).isGreaterThan(0);
        ObjectMapper json = new ObjectMapper();
        String line = agent.fullLog().lines().filter(l -> l.contains("metering agent started")).findFirst()
                .orElseThrow();
        JsonNode record = json.readTree(line);
        assertThat(record.get("level").asText()).isEqualTo("INFO");
        assertThat(record.get("loggerName").asText()).isEqualTo("io.berth.agent.Agent");
        assertThat(agent.fullLog()).doesNotContain(AgentDb.env().get("QUARKUS_DATASOURCE_PASSWORD"));
    }

    @Test
    @Order(8)
    void theElectedCollectorWritesPvcAndServiceUsage() throws Exception {
        var kube = ItCluster.admin();
        String ns = node.namespace;
        var pvc = kube.persistentVolumeClaims().inNamespace(ns).resource(new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName("data").endMetadata().withNewSpec()
                .withAccessModes("ReadWriteOnce").withStorageClassName("standard").withNewResources()
                .addToRequests("storage", new Quantity("3Gi")).endResources().endSpec().build()).create();
        var nodePort = kube.services().inNamespace(ns).resource(new ServiceBuilder().withNewMetadata()
                .withName("np").endMetadata().withNewSpec().withType("NodePort")
                .addToSelector("app", "x").addNewPort().withName("http").withPort(80).endPort().addNewPort()
                .withName("https").withPort(443).endPort().endSpec().build()).create();
        var lb = kube.services().inNamespace(ns).resource(new ServiceBuilder().withNewMetadata()
                .withName("lb").endMetadata().withNewSpec().withType("LoadBalancer")
                .addToSelector("app", "x").addNewPort().withPort(80).endPort().endSpec().build()).create();
        AgentProcess.await(Duration.ofSeconds(60), () -> AgentDb.scalar(
                "SELECT count(DISTINCT object_uid) FROM object_usage_sample WHERE object_uid IN"
                        + " (?::uuid, ?::uuid, ?::uuid)",
                pvc.getMetadata().getUid(), nodePort.getMetadata().getUid(), lb.getMetadata().getUid()) == 3,
                "object rows for the PVC and both Services");
        Lease lease = kube.leases().inNamespace(ItCluster.AGENT_NAMESPACE).withName("berth-metering-collector")
                .get();
        assertThat(lease.getSpec().getHolderIdentity()).isEqualTo(node.node);
        // The agent's RBAC (deploy/metering-agent) is enough for everything it does.
        assertThat(agent.fullLog()).doesNotContain("forbidden");
        assertThat(quantity(pvc.getMetadata().getUid(), "pvc")).isEqualTo(3L << 30);
        assertThat(quantity(nodePort.getMetadata().getUid(), "nodeport_service")).isEqualTo(2);
        assertThat(quantity(lb.getMetadata().getUid(), "loadbalancer_service")).isEqualTo(1);
        assertThat(AgentDb.query("SELECT storage_class, used_bytes FROM object_usage_sample WHERE object_uid"
                + " = ?::uuid LIMIT 1", pvc.getMetadata().getUid()).get(0))
                .containsEntry("storage_class", "standard").containsEntry("used_bytes", null);

        kube.persistentVolumeClaims().inNamespace(ns).withName("data").withGracePeriod(0).delete();
        AgentProcess.await(Duration.ofSeconds(20),
                () -> kube.persistentVolumeClaims().inNamespace(ns).withName("data").get() == null, "PVC gone");
        Instant gone = Instant.now();
        Thread.sleep(6000);
        // Charges stop with the resource: no window that starts after the deletion has a row for it.
        assertThat(AgentDb.scalar("SELECT count(*) FROM object_usage_sample WHERE object_uid = ?::uuid AND"
                + " window_start > ?", pvc.getMetadata().getUid(), java.sql.Timestamp.from(gone))).isZero();
    }

    private static double seconds(String from, String to) {
        return Duration.between(Instant.parse(from), Instant.parse(to)).toMillis() / 1000.0;
    }

    private long quantity(String uid, String kind) {
        return AgentDb.scalar("SELECT max(quantity) FROM object_usage_sample WHERE object_uid = ?::uuid AND kind = ?",
                uid, kind);
    }

    /**
     * A new interface sends IPv6 router solicitations and MLD reports for its first seconds (internal traffic the
     * test did not send): exact comparisons start after that.
     */
    static void quietInterfaces() {
        try {
            Thread.sleep(12_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void report(String what, Map<String, ?> values) {
        System.out.println("[metering-it] " + what + ": " + values);
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (Exception e) {
            return "";
        }
    }
}
