package io.berth.agent.it;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What every node fixture gives the agents it runs as host processes: an id, a work directory, a state directory and a
 * BPF pin path of their own, the settings they share, and their teardown. The fixtures differ only in the pods.
 */
final class AgentHarness implements AutoCloseable {

    final String id = HexFormat.of().toHexDigits((short) ThreadLocalRandom.current().nextInt(1 << 16));
    final Path work;
    final Path stateDir;
    final String pinPath = "/sys/fs/bpf/berth-it-" + id;
    final Path kubeconfig;
    private final List<AgentProcess> agents = new ArrayList<>();

    AgentHarness(String testName) {
        AgentDb.migrate();
        kubeconfig = ItCluster.agentKubeconfig();
        work = Path.of("target/it", testName + "-" + id).toAbsolutePath();
        stateDir = work.resolve("state");
    }

    /** 2 s windows, 1 s reads, cgroupfs, this harness's state and pins; no collector (tests read the database). */
    Map<String, String> settings(String node, String externalCidrs) {
        Map<String, String> s = new HashMap<>(AgentDb.settings());
        s.put("berth.agent.node-name", node);
        s.put("berth.agent.kubeconfig", kubeconfig.toString());
        s.put("berth.agent.namespace", ItCluster.AGENT_NAMESPACE);
        s.put("berth.agent.state-dir", stateDir.toString());
        s.put("berth.agent.interval", "2s");
        s.put("berth.agent.read-interval", "1s");
        s.put("berth.agent.cgroup.driver", "cgroupfs");
        s.put("berth.agent.net.pin-path", pinPath);
        s.put("berth.agent.net.external-cidrs", externalCidrs);
        s.put("berth.agent.collector.enabled", "false");
        return s;
    }

    AgentProcess agent(String name, Map<String, String> settings, Map<String, String> extraEnv) {
        Map<String, String> env = new HashMap<>(AgentDb.env());
        env.putAll(extraEnv);
        AgentProcess a = new AgentProcess(work.resolve(name + ".log"), settings, env);
        agents.add(a);
        return a;
    }

    /** Stops the agents; {@link #removePins()} comes after the fixture's own teardown. */
    @Override
    public void close() {
        for (AgentProcess a : agents) {
            a.close();
        }
    }

    void removePins() {
        Host.quiet("rm", "-rf", pinPath);
    }
}
