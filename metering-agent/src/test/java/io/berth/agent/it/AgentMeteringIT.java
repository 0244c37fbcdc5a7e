package io.berth.agent.it;

import static io.berth.agent.it.AgentDb.num;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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

import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;

/**
 * The agent on the real kernel, control plane and PostgreSQL: pods with real cgroups, network namespaces and traffic;
 * its numbers against what was sent and against the kernel's own counters.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AgentMeteringIT {

    static final int IPV4_UDP_HEADERS = 20 + 8;

    NodeFixture node;
    AgentProcess agent;
    TestCgroups cgroups = NodeFixture.cgroupfs();
    TestPod a;
    TestPod b;
    TestPod c;
    TestPod d;

    @BeforeAll
    void start() {
        node = new NodeFixture("metering");
        a = node.pod("a", "10.244.7.2", cgroups);
        b = node.pod("b", "10.244.7.3", cgroups);
        c = node.pod("c", "10.244.7.4", cgroups);
        d = node.pod("d", "10.244.7.5", cgroups);
        var settings = node.settings();
        settings.put("berth.agent.collector.enabled", "true");
        // As an earlier build left them on an upgraded node: its counter map (one entry per counter) and class cache.
        Host.run("mkdir", "-p", node.pinPath + "/maps");
        Host.run("bpftool", "map", "create", node.pinPath + "/maps/counters", "type", "percpu_array", "key", "4",
                "value", "16", "entries", "8", "name", "berth_counters");
        Host.run("bpftool", "map", "create", node.pinPath + "/maps/config", "type", "array", "key", "4", "value", "4",
                "entries", "1", "name", "berth_config");
        agent = node.agent("agent", settings).start();
        for (TestPod p : List.of(a, b, c, d)) {
            awaitLog("traffic meter attached: pod [^ ]+ uid=" + p.uid);
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
        b.container("app");
        b.start("app", "udp-echo", "--bind", b.ip, "--port", "7000");
        node.outside("udp-echo", "--bind", "0.0.0.0", "--port", "7000");
        // Bound to their own addresses, so that the answers come from them (not from the outside's route address).
        node.outside("udp-echo", "--bind", TestNetwork.CARVED_OUT_IP, "--port", "7001");
        node.outside("udp-echo", "--bind", TestNetwork.BESIDE_CARVE_OUT_IP, "--port", "7001");
        a.container("app");
        JsonNode toPod = a.run("app", "udp-ping", "--dst", b.ip, "--port", "7000", "--size", "1000", "--count", "500");
        JsonNode toInternet = a.run("app", "udp-ping", "--dst", TestNetwork.EXTERNAL_IP, "--port", "7000", "--size",
                "1200", "--count", "300");
        JsonNode toCarveOut = a.run("app", "udp-ping", "--dst", TestNetwork.CARVED_OUT_IP, "--port", "7001",
                "--size", "800", "--count", "200");
        JsonNode besideCarveOut = a.run("app", "udp-ping", "--dst", TestNetwork.BESIDE_CARVE_OUT_IP, "--port", "7001",
                "--size", "600", "--count", "100");
        for (JsonNode r : List.of(toPod, toInternet, toCarveOut, besideCarveOut)) {
            assertThat(r.get("echoed").asLong()).as("lock-step echo loses nothing").isEqualTo(r.get("sent").asLong());
        }
        settle();

        long podToPod = 500L * (1000 + IPV4_UDP_HEADERS);
        long internal = podToPod + 100L * (600 + IPV4_UDP_HEADERS);
        long external = 300L * (1200 + IPV4_UDP_HEADERS) + 200L * (800 + IPV4_UDP_HEADERS);
        Map<String, Object> ta = AgentDb.totals(a.uid);
        Map<String, Object> tb = AgentDb.totals(b.uid);
        report("pod a", ta);
        report("pod b", tb);
        // The pod to pod traffic is internal both ways; 198.51.100.10 is external, and so is 10.250.0.10 because
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
    @Order(2)
    void ipv6UniqueLocalIsInternalAndGlobalIsExternal() {
        TestPod g = node.ipv6Pod("g", cgroups);
        awaitLog("traffic meter attached: pod [^ ]+ uid=" + g.uid);
        // Bound to each address, so that replies come from the address asked (a socket on :: would answer from
        // the address the route picks: fd00:6::1).
        node.startIn(g.netns + "p", "udp-echo", "--bind", "2001:db8:6::10", "--port", "7000");
        node.startIn(g.netns + "p", "udp-echo", "--bind", "fd00:6::1", "--port", "7000");
        g.container("app");
        JsonNode internet = g.run("app", "udp-ping", "--dst", "2001:db8:6::10", "--port", "7000", "--size", "1000",
                "--count", "100");
        JsonNode ula = g.run("app", "udp-ping", "--dst", "fd00:6::1", "--port", "7000", "--size", "1000", "--count",
                "100");
        assertThat(internet.get("echoed").asLong()).isEqualTo(100);
        assertThat(ula.get("echoed").asLong()).isEqualTo(100);
        settle();
        Map<String, Object> t = AgentDb.totals(g.uid);
        report("pod g (IPv6)", t);
        long ipv6Udp = 100L * (1000 + 40 + 8);
        // Exactly the datagrams to and from 2001:db8:6::10; the internal side also carries neighbour discovery and
        // MLD (ff02::/16, fe80::/10, or ND from global addresses), which IPv6 needs and which is internal too.
        assertThat(num(t, "ext_tx")).isEqualTo(ipv6Udp);
        assertThat(num(t, "ext_rx")).isEqualTo(ipv6Udp);
        assertThat(num(t, "int_tx")).isBetween(ipv6Udp, ipv6Udp + 4096);
        assertThat(num(t, "int_rx")).isBetween(ipv6Udp, ipv6Udp + 4096);
    }

    @Test
    @Order(3)
    void tcpBulkIsCountedAsTheWireCarriesItWithinOnePercent() {
        d.container("app");
        d.start("app", "tcp-sink", "--bind", d.ip, "--port", "7001");
        c.container("app");
        long payload = 8L << 20;
        JsonNode r = c.run("app", "tcp-send", "--dst", d.ip, "--port", "7001", "--bytes", Long.toString(payload));
        assertThat(r.get("sent").asLong()).isEqualTo(payload);
        settle();
        // Segmentation offload hands the interface 64 KiB super-packets; on the wire each 1448-byte segment
        // (MSS 1460 less the timestamp option) carries 20 + 32 bytes of IP and TCP headers: 1500-byte packets.
        double wire = Math.ceil(payload / 1448.0) * 1500;
        Map<String, Object> tc = AgentDb.totals(c.uid);
        Map<String, Object> td = AgentDb.totals(d.uid);
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
        Path blockDevice = AgentIo.blockDeviceOfVarTmp();
        a.container("burn");
        boolean quota = cgroups.quota(a.uid, a.qos, "burn", 25);
        assertThat(quota).as("cpu controller present").isTrue();
        if (blockDevice != null) {
            AgentIo.enableIoAccounting(cgroups, a, blockDevice);
        }
        Process aBurn = a.start("burn", "burn", "--mem-mib", "64", "--io-mib", blockDevice == null ? "0" : "8");
        b.container("c1");
        cgroups.quota(b.uid, b.qos, "c1", 10);
        Process bBurn = b.start("c1", "burn", "--mem-mib", "16");
        long started = System.nanoTime();
        TestPod.sleep(4000);
        // A container restart: the old container's process and cgroup go, a new one starts.
        b.kill(bBurn);
        long beforeRestart = b.cpuNanos();
        cgroups.removeContainer(b.uid, b.qos, "c1");
        b.container("c2");
        cgroups.quota(b.uid, b.qos, "c2", 10);
        Process bBurn2 = b.start("c2", "burn", "--mem-mib", "16");
        TestPod.sleep(4000);
        a.kill(aBurn);
        b.kill(bBurn2);
        double seconds = (System.nanoTime() - started) / 1e9;
        settle();

        Map<String, Object> ta = AgentDb.totals(a.uid);
        Map<String, Object> tb = AgentDb.totals(b.uid);
        long aKernelUsec = a.cpuNanos() / 1000;
        long bKernelUsec = b.cpuNanos() / 1000;
        report("pod a cpu", Map.of("metered_usec", num(ta, "cpu_usec"), "cgroup_usec", aKernelUsec, "burn_seconds",
                seconds, "mem_max", num(ta, "mem_max"), "io_read", num(ta, "io_read"), "io_write", num(ta,
                        "io_write")));
        report("pod b cpu", Map.of("metered_usec", num(tb, "cpu_usec"), "cgroup_usec", bKernelUsec,
                "before_restart_usec", beforeRestart / 1000));
        assertThat((double) num(ta, "cpu_usec")).isCloseTo(aKernelUsec, within(aKernelUsec * 0.02));
        assertThat((double) num(tb, "cpu_usec")).isCloseTo(bKernelUsec, within(bKernelUsec * 0.02));
        // The known share: 25 % of one CPU while the burner ran (the quota is enforced per 100 ms period).
        assertThat(num(ta, "cpu_usec") / 1e6).isCloseTo(0.25 * seconds, within(0.25 * seconds * 0.15));
        // The restart did not reset the pod's count: the old container's usage is still in it.
        assertThat(bKernelUsec).isGreaterThan(beforeRestart / 1000);
        assertThat(num(tb, "cpu_usec")).isGreaterThan(beforeRestart / 1000);
        // 64 MiB touched by the burner are in its working set.
        assertThat(num(ta, "mem_max")).isGreaterThanOrEqualTo(64L << 20);
        if (blockDevice != null) {
            assertThat(num(ta, "io_write")).isBetween(8L << 20, 9L << 20);
            assertThat(num(ta, "io_read")).isBetween(8L << 20, 12L << 20);
        }
    }

    @Test
    @Order(5)
    void aPodWhoseNamespaceVanishesIsSkippedAndLoggedNeverFatal() {
        TestPod e = node.pod("e", "10.244.7.6", cgroups);
        awaitLog("traffic meter attached: pod [^ ]+ uid=" + e.uid);
        // The pod's sandbox goes away under the agent: processes, network namespace, then the cgroup.
        e.killAll();
        node.network.removeNetns(e.netns);
        awaitLog("uid=" + e.uid + " skipped by the traffic meter");
        cgroups.remove(e.uid, e.qos);
        awaitLog("uid=" + e.uid + " skipped this read: its cgroup vanished");

        // Pods that vanish while the agent attaches to them: created and torn down at once, many times.
        List<TestPod> churn = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            TestPod p = node.pod("f" + i, "10.244.7." + (20 + i), cgroups);
            churn.add(p);
            TestPod.sleep(150L * (i % 4));
            p.killAll();
            node.network.removeNetns(p.netns);
            cgroups.remove(p.uid, p.qos);
        }
        double closed = agent.metric("berth_agent_windows_closed_total");
        AgentProcess.await(Duration.ofSeconds(20), () -> agent.metric("berth_agent_windows_closed_total") >= closed
                + 2, "windows keep closing");
        assertThat(agent.alive()).isTrue();
        assertThat(agent.status("/q/health/live")).isEqualTo(200);
        assertThat(agent.fullLog()).doesNotContain("sampling failed");
        System.out.println("[metering-it] skip messages: "
                + agent.fullLog().lines().filter(l -> l.contains("skipped")).count());
    }

    @Test
    @Order(6)
    void aDeletedPodGetsItsLastRowAndGivesUpItsSlot() throws Exception {
        long rowsBefore = num(AgentDb.totals(b.uid), "windows");
        b.deletePodObject();
        awaitLog("pod deleted: [^ ]+ uid=" + b.uid);
        settle();
        Path slots = node.stateDir.resolve("slots.json");
        AgentProcess.await(Duration.ofSeconds(10), () -> !read(slots).contains(b.uid), "slot released");
        assertThat(num(AgentDb.totals(b.uid), "windows")).isGreaterThanOrEqualTo(rowsBefore);
        long last = AgentDb.scalar("SELECT extract(epoch FROM max(window_end))::bigint FROM pod_usage_sample"
                + " WHERE pod_uid = ?::uuid", b.uid);
        TestPod.sleep(4500);
        assertThat(AgentDb.scalar("SELECT extract(epoch FROM max(window_end))::bigint FROM pod_usage_sample"
                + " WHERE pod_uid = ?::uuid", b.uid)).as("no rows after the pod is gone").isEqualTo(last);
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
        assertThat(agent.fullLog()).doesNotContain(AgentDb.password());
    }

    @Test
    @Order(8)
    void theElectedCollectorWritesPvcAndServiceUsage() {
        var kube = ItCluster.admin();
        String ns = ItCluster.NAMESPACE;
        var pvc = kube.persistentVolumeClaims().inNamespace(ns).resource(new PersistentVolumeClaimBuilder()
                .withNewMetadata().withName(node.node + "-data").endMetadata().withNewSpec()
                .withAccessModes("ReadWriteOnce").withStorageClassName("standard").withNewResources()
                .addToRequests("storage", new Quantity("3Gi")).endResources().endSpec().build()).create();
        var nodePort = kube.services().inNamespace(ns).resource(new ServiceBuilder().withNewMetadata()
                .withName(node.node + "-np").endMetadata().withNewSpec().withType("NodePort")
                .addToSelector("app", "x").addNewPort().withName("http").withPort(80).endPort().addNewPort()
                .withName("https").withPort(443).endPort().endSpec().build()).create();
        var lb = kube.services().inNamespace(ns).resource(new ServiceBuilder().withNewMetadata()
                .withName(node.node + "-lb").endMetadata().withNewSpec().withType("LoadBalancer")
                .addToSelector("app", "x").addNewPort().withPort(80).endPort().endSpec().build()).create();
        try {
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

            kube.persistentVolumeClaims().inNamespace(ns).withName(pvc.getMetadata().getName()).withGracePeriod(0)
                    .delete();
            AgentProcess.await(Duration.ofSeconds(20), () -> kube.persistentVolumeClaims().inNamespace(ns)
                    .withName(pvc.getMetadata().getName()).get() == null, "PVC gone");
            Instant gone = Instant.now();
            TestPod.sleep(6000);
            // Charges stop with the resource: no window that starts after the deletion has a row for it.
            assertThat(AgentDb.scalar("SELECT count(*) FROM object_usage_sample WHERE object_uid = ?::uuid AND"
                    + " window_start > ?", pvc.getMetadata().getUid(), java.sql.Timestamp.from(gone))).isZero();
        } finally {
            kube.services().inNamespace(ns).withName(nodePort.getMetadata().getName()).delete();
            kube.services().inNamespace(ns).withName(lb.getMetadata().getName()).delete();
            kube.persistentVolumeClaims().inNamespace(ns).withName(pvc.getMetadata().getName()).delete();
        }
    }

    private long quantity(String uid, String kind) {
        return AgentDb.scalar("SELECT max(quantity) FROM object_usage_sample WHERE object_uid = ?::uuid AND kind = ?",
                uid, kind);
    }

    /** Waits until the agent has closed two more windows and sent everything. */
    void settle() {
        double closed = agent.metric("berth_agent_windows_closed_total");
        AgentProcess.await(Duration.ofSeconds(30),
                () -> agent.metric("berth_agent_windows_closed_total") >= closed + 2
                        && agent.metric("berth_agent_spool_segments") == 0,
                "two more windows closed and sent");
    }

    void awaitLog(String regex) {
        var pattern = java.util.regex.Pattern.compile(regex);
        AgentProcess.await(Duration.ofSeconds(30), () -> pattern.matcher(agent.fullLog()).find(),
                "log line /" + regex + "/");
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
