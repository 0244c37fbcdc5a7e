package io.berth.agent.it;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.berth.testing.DemoPods;
import io.berth.testing.Kubectl;
import io.berth.testing.Nodes;
import io.berth.testing.RealStack;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;

/**
 * One of the stack's real nodes for a test class: the kubelet runs the test's pods (berth/client and berth/web, in a
 * namespace of the test's own), and the agent under test runs beside it as a host process with a state directory and
 * BPF pin path of its own, metering that node's pods exactly as its DaemonSet would. {@link #close()} stops the
 * agents, deletes the namespace and removes the addresses the test added to the outside host.
 */
final class RealNode implements AutoCloseable {

    /** An external carve-out inside 10.0.0.0/8, and an address beside it in the same /16, both on the outside host. */
    static final String CARVED_OUT_CIDR = "10.250.0.0/24";
    static final String CARVED_OUT_IP = "10.250.0.10";
    static final String BESIDE_CARVE_OUT_IP = "10.250.1.10";

    private final AgentHarness harness;
    final String id;
    final int number;
    final String node;
    final String namespace;
    final Path work;
    final Path stateDir;
    final String pinPath;
    final DemoPods pods;
    private final List<Process> outside = new ArrayList<>();
    private boolean carveOut;

    RealNode(String testName, int number) {
        this.number = number;
        this.node = Nodes.name(number);
        harness = new AgentHarness(testName);
        id = harness.id;
        namespace = "agent-it-" + id;
        work = harness.work;
        stateDir = harness.stateDir;
        pinPath = harness.pinPath;
        ItCluster.admin().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                .endMetadata().build()).create();
        pods = new DemoPods(Kubectl.withKubeconfig(ItCluster.read(Path.of(RealStack.get("ADMIN_KUBECONFIG")))),
                namespace);
    }

    /** The agent's settings for this node: 2 s windows, 1 s reads, this node's kubelet root, its own state and pins. */
    Map<String, String> settings() {
        Map<String, String> s = harness.settings(node, CARVED_OUT_CIDR);
        s.put("berth.agent.cgroup.kubelet-root", Nodes.cgroupRoot(number));
        s.put("berth.agent.net.service-cidrs", RealStack.get("SERVICE_CIDR"));
        return s;
    }

    AgentProcess agent(String name, Map<String, String> settings) {
        return agent(name, settings, Map.of());
    }

    AgentProcess agent(String name, Map<String, String> settings, Map<String, String> extraEnv) {
        return harness.agent(name, settings, extraEnv);
    }

    /** A client pod on this node (berth/client: sleeps; the test execs the demo program in it). */
    DemoPods.Pod client(String name) {
        return pods.run(name, DemoPods.CLIENT_IMAGE, node, null);
    }

    /** A pod on this node whose main container runs the demo program with {@code args}. */
    DemoPods.Pod running(String name, String resources, String... args) {
        return pods.run(name, DemoPods.CLIENT_IMAGE, node, resources, args);
    }

    long cpuNanos(DemoPods.Pod pod) {
        return Nodes.cpuNanos(node, pod.qos(), pod.uid());
    }

    /** The pod's network namespace, through one of its processes (as the agent finds it). */
    String netnsOf(DemoPods.Pod pod) {
        try (var procs = java.nio.file.Files.walk(cgroup(pod, "cpuacct"))) {
            for (Path f : (Iterable<Path>) procs
                    .filter(p -> p.getFileName().toString().equals("cgroup.procs"))::iterator) {
                for (String pid : java.nio.file.Files.readAllLines(f)) {
                    if (!pid.isBlank()) {
                        return "/proc/" + pid.strip() + "/ns/net";
                    }
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        throw new IllegalStateException("no process in pod " + pod.name());
    }

    Path cgroup(DemoPods.Pod pod, String controller) {
        return Nodes.podCgroup(node, controller, pod.qos(), pod.uid());
    }

    /**
     * Gives the outside host the carve-out addresses (10.250.0.10 external by configuration, 10.250.1.10 internal in
     * the same /16) and this node a route to them across the LAN.
     */
    void addCarveOutHosts() {
        carveOut = true;
        Nodes.inNetns(Nodes.outsideNetns(), "ip", "addr", "add", CARVED_OUT_IP + "/32", "dev", "eth0");
        Nodes.inNetns(Nodes.outsideNetns(), "ip", "addr", "add", BESIDE_CARVE_OUT_IP + "/32", "dev", "eth0");
        Nodes.inNetns(Nodes.netns(number), "ip", "route", "replace", "10.250.0.0/16", "dev", "eth0");
    }

    /** Starts the demo program in the outside host (the stack's "internet") and waits until it is up. */
    void outside(String... args) {
        outside.add(Nodes.outside(work.resolve("outside-" + outside.size() + ".out"), args));
    }

    @Override
    public void close() {
        harness.close();
        for (Process p : outside) {
            p.destroyForcibly();
        }
        if (carveOut) {
            Host.quiet("nsenter", "--net=/var/run/netns/" + Nodes.outsideNetns(), "--", "ip", "addr", "del",
                    CARVED_OUT_IP + "/32", "dev", "eth0");
            Host.quiet("nsenter", "--net=/var/run/netns/" + Nodes.outsideNetns(), "--", "ip", "addr", "del",
                    BESIDE_CARVE_OUT_IP + "/32", "dev", "eth0");
            Host.quiet("nsenter", "--net=/var/run/netns/" + Nodes.netns(number), "--", "ip", "route", "del",
                    "10.250.0.0/16");
        }
        ItCluster.admin().namespaces().withName(namespace).delete();
        harness.removePins();
    }
}
