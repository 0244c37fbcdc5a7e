package io.berth.agent.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.berth.agent.cgroup.CgroupLayout;

/**
 * One simulated node for a test class: a name, its Node object, its pod network, a state directory and a BPF pin path
 * of its own, and whatever pods the test makes. {@link #close()} removes all of it, also after a failure.
 */
final class NodeFixture implements AutoCloseable {

    private final AgentHarness harness;
    final String id;
    final String node;
    final Path work;
    final Path stateDir;
    final String pinPath;
    final TestNetwork network;
    final List<TestPod> pods = new ArrayList<>();
    private final List<Process> outside = new ArrayList<>();

    NodeFixture(String testName) {
        TestNetwork.removeLeftovers();
        harness = new AgentHarness(testName);
        id = harness.id;
        node = "bm-it-" + id;
        work = harness.work;
        stateDir = harness.stateDir;
        pinPath = harness.pinPath;
        ItCluster.ensureNamespace(ItCluster.NAMESPACE);
        ItCluster.createNode(node, TestNetwork.POD_CIDR, "192.0.2.7");
        network = new TestNetwork(id);
    }

    /** The agent's settings for this node: 2 s windows, 1 s reads, this node's state and pins. */
    Map<String, String> settings() {
        return harness.settings(node, TestNetwork.CARVED_OUT_CIDR);
    }

    AgentProcess agent(String name, Map<String, String> settings) {
        return agent(name, settings, Map.of());
    }

    AgentProcess agent(String name, Map<String, String> settings, Map<String, String> extraEnv) {
        return harness.agent(name, settings, extraEnv);
    }

    TestPod pod(String name, String ip, TestCgroups cgroups) {
        String netns = network.addPod(name, ip);
        TestPod pod = TestPod.create(ItCluster.admin(), ItCluster.NAMESPACE, node, node + "-" + name, cgroups, netns,
                ip, work.resolve("pods"));
        pods.add(pod);
        return pod;
    }

    /** Starts podtool in the outside namespace (the "internet" of the test network) and waits until it is up. */
    void outside(String... args) {
        startIn(network.outside, args);
    }

    /** Starts podtool in a network namespace outside any pod and waits until it is up. */
    void startIn(String netns, String... args) {
        List<String> command = new ArrayList<>(List.of("nsenter", "--net=/var/run/netns/" + netns, "--",
                Host.python(), TestPod.podtool().toString()));
        command.addAll(List.of(args));
        try {
            Files.createDirectories(work);
            Path out = work.resolve("outside-" + outside.size() + ".out");
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectErrorStream(false)
                    .redirectError(Path.of(out + ".err").toFile()).start();
            outside.add(p);
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!Files.readString(out).contains("ready")) {
                if (System.nanoTime() > deadline || !p.isAlive()) {
                    throw new IllegalStateException("outside podtool did not start: " + Files.readString(
                            Path.of(out + ".err")));
                }
                TestPod.sleep(20);
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The kubepods parents the test pods made, if no pod is left in them (there is no kubelet here). */
    private static void removeEmptyParents() {
        for (String parent : List.of("kubepods/burstable", "kubepods/besteffort", "kubepods",
                "kubepods.slice/kubepods-burstable.slice", "kubepods.slice/kubepods-besteffort.slice",
                "kubepods.slice")) {
            for (Path root : List.of(TestCgroups.FS, TestCgroups.FS.resolve("unified"))) {
                List<Path> trees = new ArrayList<>(List.of(root));
                for (String c : List.of("cpu", "cpuacct", "memory", "blkio", "pids")) {
                    trees.add(root.resolve(c));
                }
                for (Path tree : trees) {
                    Path dir = tree.resolve(parent);
                    if (Files.isDirectory(dir)) {
                        Host.quiet("rmdir", dir.toString());
                    }
                }
            }
        }
    }

    /** A pod with IPv6 only (fd00:6::2), wired to a peer namespace that has fd00:6::1 and 2001:db8:6::10. */
    TestPod ipv6Pod(String name, TestCgroups cgroups) {
        String netns = network.addIpv6Pod(name);
        TestPod pod = TestPod.create(ItCluster.admin(), ItCluster.NAMESPACE, node, node + "-" + name, cgroups, netns,
                "fd00:6::2", work.resolve("pods"));
        pods.add(pod);
        return pod;
    }

    static TestCgroups cgroupfs() {
        return TestCgroups.primary(CgroupLayout.Driver.CGROUPFS);
    }

    @Override
    public void close() {
        harness.close();
        for (Process p : outside) {
            p.destroyForcibly();
        }
        for (TestPod p : pods) {
            p.close();
        }
        network.close();
        removeEmptyParents();
        try {
            ItCluster.deleteNode(node);
        } catch (RuntimeException e) {
            // the stack may be gone
        }
        harness.removePins();
    }
}
