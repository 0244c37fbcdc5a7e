package io.berth.agent.it;

import static io.berth.agent.it.AgentDb.num;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The two cases the stack's real kubelet cannot produce, on pods the test makes itself (a Pod object, a cgroup in the
 * kubelet's layout, a network namespace with a veth): IPv6 traffic (the stack's cluster is IPv4 single-stack), and a
 * pod whose network namespace and cgroup vanish while the agent attaches to it (a race a kubelet produces only by
 * chance). Everything else is metered on real pods ({@link AgentMeteringIT}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FakePodMeteringIT {

    NodeFixture node;
    AgentProcess agent;
    TestCgroups cgroups = NodeFixture.cgroupfs();

    @BeforeAll
    void start() {
        node = new NodeFixture("fake-pods");
        agent = node.agent("agent", node.settings()).start();
    }

    @AfterAll
    void stop() {
        if (node != null) {
            node.close();
        }
    }

    @Test
    void ipv6UniqueLocalIsInternalAndGlobalIsExternal() {
        TestPod g = node.ipv6Pod("g", cgroups);
        agent.awaitLog("traffic meter attached: pod [^ ]+ uid=" + g.uid);
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
        agent.settle();
        Map<String, Object> t = AgentDb.totals(g.uid);
        AgentMeteringIT.report("pod g (IPv6)", t);
        long ipv6Udp = 100L * (1000 + 40 + 8);
        // Exactly the datagrams to and from 2001:db8:6::10; the internal side also carries neighbour discovery and
        // MLD (ff02::/16, fe80::/10, or ND from global addresses), which IPv6 needs and which is internal too.
        assertThat(num(t, "ext_tx")).isEqualTo(ipv6Udp);
        assertThat(num(t, "ext_rx")).isEqualTo(ipv6Udp);
        assertThat(num(t, "int_tx")).isBetween(ipv6Udp, ipv6Udp + 4096);
        assertThat(num(t, "int_rx")).isBetween(ipv6Udp, ipv6Udp + 4096);
    }
    @Test
    void aPodWhoseNamespaceVanishesIsSkippedAndLoggedNeverFatal() {
        TestPod e = node.pod("e", "10.244.7.6", cgroups);
        agent.awaitLog("traffic meter attached: pod [^ ]+ uid=" + e.uid);
        // The pod's sandbox goes away under the agent: processes, network namespace, then the cgroup. Each step is
        // awaited in the log after it: an attach that found no process yet (before the pod's first process ran)
        // logs the same "skipped" line, and a cgroup removed before the agent's first read of it is never missed.
        int beforeKill = agent.fullLog().length();
        double closed = agent.metric("berth_agent_windows_closed_total");
        e.killAll();
        node.network.removeNetns(e.netns);
        agent.awaitLogAfter(beforeKill, "uid=" + e.uid + " skipped by the traffic meter");
        AgentProcess.await(Duration.ofSeconds(20), () -> agent.metric("berth_agent_windows_closed_total") > closed,
                "a window closed, so the agent has read the pod's cgroup");
        cgroups.remove(e.uid, e.qos);
        agent.awaitLog("uid=" + e.uid + " skipped this read: its cgroup vanished");

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
        double closedAfterChurn = agent.metric("berth_agent_windows_closed_total");
        AgentProcess.await(Duration.ofSeconds(20),
                () -> agent.metric("berth_agent_windows_closed_total") >= closedAfterChurn + 2, "windows keep closing");
        assertThat(agent.alive()).isTrue();
        assertThat(agent.status("/q/health/live")).isEqualTo(200);
        assertThat(agent.fullLog()).doesNotContain("sampling failed");
        System.out.println("[metering-it] skip messages: "
                + agent.fullLog().lines().filter(l -> l.contains("skipped")).count());
    }

}
