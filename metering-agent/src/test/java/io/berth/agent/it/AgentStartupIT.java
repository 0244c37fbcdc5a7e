package io.berth.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bad input stops the agent at start, with a message that names the setting: the packaged agent is started with one
 * bad setting at a time and must exit (not hang, not run half-working) saying what to fix.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AgentStartupIT {

    Path work;
    Path kubeconfig;
    String pinPath;

    @BeforeAll
    void setUp() throws IOException {
        AgentDb.migrate();
        kubeconfig = ItCluster.agentKubeconfig();
        work = Files.createDirectories(Path.of("target/it/startup").toAbsolutePath());
        pinPath = "/sys/fs/bpf/berth-it-startup-" + ProcessHandle.current().pid();
    }

    @AfterAll
    void tearDown() {
        Host.quiet("rm", "-rf", pinPath);
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', value = {
            "berth.agent.net.internal-cidrs | 10.0.0.0/8,10.300.0.0/16 | berth.agent.net.internal-cidrs: '10.300.0.0/16' is not a CIDR: 300 is not an octet",
            "berth.agent.net.external-cidrs | 198.51.100.0/33 | berth.agent.net.external-cidrs: '198.51.100.0/33' is not a CIDR: prefix length 33 is out of range 0..32",
            "berth.agent.net.pod-cidrs | fd00::zz/64 | berth.agent.net.pod-cidrs: 'fd00::zz/64' is not a CIDR",
            "berth.agent.cgroup.root | /nonexistent/cgroup | berth.agent.cgroup.root: /nonexistent/cgroup does not exist",
            "berth.agent.cgroup.kubelet-root | /no-such-kubelet | berth.agent.cgroup.kubelet-root: /sys/fs/cgroup/cpuacct/no-such-kubelet does not exist",
            "berth.agent.net.kernel-btf | /nonexistent/btf/vmlinux | berth.agent.net.kernel-btf: /nonexistent/btf/vmlinux not found: this kernel exposes no BTF",
            "berth.agent.net.tc | /nonexistent/sbin/tc | berth.agent.net.tc: '/nonexistent/sbin/tc' is not an executable file",
            "berth.agent.net.tc | /bin/false | berth.agent.net.tc: tc cannot attach a BPF filter to a clsact qdisc",
            "berth.agent.interval | 7s | berth.agent.interval: PT7S does not divide an hour"})
    void aBadSettingStopsTheAgentAtStartNamingIt(String setting, String value, String message) {
        Map<String, String> s = new HashMap<>(AgentDb.settings());
        s.put("berth.agent.node-name", "bm-it-startup");
        s.put("berth.agent.kubeconfig", kubeconfig.toString());
        s.put("berth.agent.state-dir", work.resolve("state").toString());
        s.put("berth.agent.net.pin-path", pinPath);
        s.put("berth.agent.collector.enabled", "false");
        s.put(setting, value);
        AgentProcess agent = new AgentProcess(work.resolve(setting + "-" + value.hashCode() + ".log"), s,
                AgentDb.env());
        int exit = agent.runToExit(Duration.ofSeconds(90));
        String log = agent.fullLog();
        assertThat(exit).as("exit code; log:\n" + agent.tail()).isNotZero();
        assertThat(log).contains("metering agent cannot start: " + message);
        assertThat(log).doesNotContain("metering agent started");
    }
}
