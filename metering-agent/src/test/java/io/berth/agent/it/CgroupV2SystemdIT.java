package io.berth.agent.it;

import static io.berth.agent.it.AgentDb.num;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.berth.agent.cgroup.CgroupLayout;

/**
 * The systemd driver's layout on a cgroup v2 hierarchy: the host's own on a v2 machine, the "unified" mount on a
 * hybrid one (which has no controllers, so the CPU share comes from a duty cycle and there is no memory file).
 */
class CgroupV2SystemdIT {

    @Test
    void aPodInASystemdSliceOnCgroupV2IsMeteredFromItsOwnCounter() {
        TestCgroups cgroups = TestCgroups.v2(CgroupLayout.Driver.SYSTEMD);
        try (NodeFixture node = new NodeFixture("v2-systemd")) {
            TestPod a = node.pod("a", "10.244.7.2", cgroups);
            var settings = node.settings();
            settings.put("berth.agent.cgroup.root", cgroups.root().toString());
            settings.put("berth.agent.cgroup.version", "v2");
            settings.put("berth.agent.cgroup.driver", "systemd");
            settings.put("berth.agent.net.enabled", "false");
            AgentProcess agent = node.agent("agent", settings).start();
            a.container("burn");
            boolean quota = cgroups.quota(a.uid, a.qos, "burn", 20);
            Process burner = a.start("burn", "burn", "--mem-mib", "32", "--duty", quota ? "1" : "0.2");
            // Until the cgroup has counted enough to compare (6 s on an idle machine; longer when others load it).
            AgentProcess.await(java.time.Duration.ofSeconds(90), () -> a.cpuNanos() / 1000 > 600_000,
                    "the burner's cgroup past 0.6 s of CPU");
            a.kill(burner);
            agent.settle();
            Map<String, Object> t = AgentDb.totals(a.uid);
            long cgroupUsec = a.cpuNanos() / 1000;
            System.out.println("[v2-it] root " + cgroups.root() + " path " + cgroups.relative(a.uid, a.qos)
                    + " metered " + t + " cgroup usec " + cgroupUsec);
            assertThat(cgroupUsec).isGreaterThan(500_000);
            assertThat((double) num(t, "cpu_usec")).isCloseTo(cgroupUsec, within(cgroupUsec * 0.02));
            if (Files.exists(cgroups.podDirs(a.uid, a.qos).get(0).resolve("memory.current"))) {
                assertThat(num(t, "mem_max")).isGreaterThanOrEqualTo(32L << 20);
            }
            assertThat(agent.fullLog()).contains("cgroup=V2");
        }
    }
}
