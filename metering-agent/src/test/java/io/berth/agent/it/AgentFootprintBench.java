package io.berth.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;

/**
 * Benchmark (not part of verify; run by bench/metering/run): the agent's CPU and memory with 100 and 1,000 pods on its
 * node, at the default settings (60 s windows, 10 s reads). Every fake pod is a Pod object bound to the node, a
 * cgroup, a network namespace with a veth and a sleeping process, so the agent attaches its filters to each.
 */
class AgentFootprintBench {

    static final Duration MEASURE = Duration.ofSeconds(Long.getLong("bench.measure.seconds", 180));

    @ParameterizedTest(name = "{0} pods")
    @ValueSource(ints = {100, 1000})
    void agentCpuAndMemory(int count) throws Exception {
        String only = System.getProperty("bench.pods");
        org.junit.jupiter.api.Assumptions.assumeTrue(only == null || only.equals(Integer.toString(count)));
        BenchReport report = new BenchReport("agent-footprint");
        TestCgroups cgroups = NodeFixture.cgroupfs();
        List<Process> sleepers = new ArrayList<>();
        List<String> uids = new ArrayList<>();
        List<String> netns = new ArrayList<>();
        try (NodeFixture node = new NodeFixture("bench-footprint-" + count)) {
            long setup = System.nanoTime();
            StringBuilder hostBatch = new StringBuilder();
            StringBuilder nodeBatch = new StringBuilder();
            for (int i = 0; i < count; i++) {
                String ns = "bm" + node.id + "f" + i;
                netns.add(ns);
                hostBatch.append("netns add ").append(ns).append('\n');
                nodeBatch.append("link add fv").append(node.id).append(i).append(" type veth peer name eth0 netns ")
                        .append(ns).append('\n');
            }
            batch(node, List.of("ip", "-batch", "-"), hostBatch.toString());
            batch(node, List.of("ip", "-n", node.network.node, "-batch", "-"), nodeBatch.toString());
            var kube = ItCluster.admin();
            for (int i = 0; i < count; i++) {
                Pod pod = kube.pods().inNamespace(ItCluster.NAMESPACE).resource(new PodBuilder().withNewMetadata()
                        .withName(node.node + "-f" + i).addToLabels("berth-bench", node.id).endMetadata()
                        .withNewSpec().withNodeName(node.node).withTerminationGracePeriodSeconds(0L)
                        .withAutomountServiceAccountToken(false).addNewToleration().withOperator("Exists")
                        .endToleration().addNewContainer().withName("app").withImage("registry.invalid/app:1")
                        .withNewResources().withRequests(Map.of("cpu", new Quantity("10m"), "memory",
                                new Quantity("16Mi")))
                        .endResources().endContainer().endSpec().build()).create();
                String uid = pod.getMetadata().getUid();
                uids.add(uid);
                cgroups.create(uid, "Burstable", "pause");
                List<String> args = new ArrayList<>(List.of("nsenter", "--net=/var/run/netns/" + netns.get(i), "--",
                        "sh", "-c", "for f in \"$@\"; do echo $$ > \"$f/cgroup.procs\"; done; exec sleep 100000",
                        "sh"));
                cgroups.containerDirs(uid, "Burstable", "pause").forEach(d -> args.add(d.toString()));
                sleepers.add(new ProcessBuilder(args).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
            }
            report.line(String.format("%d pods set up in %.0f s", count, (System.nanoTime() - setup) / 1e9));

            var settings = node.settings();
            settings.put("berth.agent.interval", "60s");
            settings.put("berth.agent.read-interval", "10s");
            AgentProcess agent = node.agent("agent", settings, Map.of("MALLOC_ARENA_MAX", "2"));
            // The JVM options the DaemonSet runs with, read from its ConfigMap.
            String opts = Files.readString(io.berth.testing.RealStack.root().resolve(
                    "deploy/metering-agent/20-config.yaml")).lines().filter(l -> l.contains("JAVA_OPTS_APPEND:"))
                    .findFirst().orElseThrow().replaceAll(".*JAVA_OPTS_APPEND: *\"([^\"]*)\".*", "$1");
            agent.jvmOptions(List.of(opts.split(" ")));
            report.line(count + " pods: JVM options " + opts + ", MALLOC_ARENA_MAX=2");
            long started = System.nanoTime();
            agent.start();
            AgentProcess.await(Duration.ofMinutes(10), () -> agent.metric("berth_agent_pods_attached") >= count,
                    "all pods attached");
            double attachSeconds = (System.nanoTime() - started) / 1e9;
            // Measure whole windows once start-up work (attaching) is over.
            double closed = agent.metric("berth_agent_windows_closed_total");
            AgentProcess.await(Duration.ofMinutes(2), () -> agent.metric("berth_agent_windows_closed_total") > closed,
                    "a window closed");
            long[] cpu0 = cpuTicks(agent.pid());
            long wall0 = System.nanoTime();
            long maxRss = 0;
            double maxHeap = 0;
            while (System.nanoTime() - wall0 < MEASURE.toNanos()) {
                TestPod.sleep(5000);
                maxRss = Math.max(maxRss, rssKb(agent.pid()));
                maxHeap = Math.max(maxHeap, agent.metric("jvm_memory_used_bytes{area=\"heap\"}"));
            }
            long[] cpu1 = cpuTicks(agent.pid());
            double wall = (System.nanoTime() - wall0) / 1e9;
            double cpuSeconds = (cpu1[0] - cpu0[0] + cpu1[1] - cpu0[1]) / 100.0;
            double closeMean = agent.metric("berth_agent_window_close_seconds_sum")
                    / agent.metric("berth_agent_window_close_seconds_count");
            long rows = AgentDb.scalar("SELECT count(*) FROM pod_usage_sample WHERE node = ?", node.node);
            report.line(String.format("%d pods: agent CPU %.1f millicores (%.1f s over %.0f s, 60 s windows, 10 s"
                    + " reads), RSS max %.0f MiB, heap used max %.0f MiB, attach of all pods %.0f s after"
                    + " start, window close mean %.0f ms, %d rows written", count, cpuSeconds / wall * 1000,
                    cpuSeconds, wall, maxRss / 1024.0, maxHeap / 1048576, attachSeconds, closeMean * 1000, rows));
            StringBuilder commands = new StringBuilder();
            for (String c : List.of("bpftool", "ip-in-netns", "tc-in-netns")) {
                double n = agent.metric("berth_agent_command_seconds_count{command=\"" + c + "\"}");
                double sum = agent.metric("berth_agent_command_seconds_sum{command=\"" + c + "\"}");
                commands.append(String.format(" %s %.0f calls, %.1f ms each;", c, n, sum / n * 1000));
            }
            report.line(count + " pods: subprocesses since start:" + commands);
            report.line("command: bench/metering/run footprint   (AgentFootprintBench, measured "
                    + MEASURE.toSeconds() + " s)");
            assertThat(rows).isGreaterThanOrEqualTo(count);
        } finally {
            for (Process p : sleepers) {
                p.destroyForcibly();
            }
            for (Process p : sleepers) {
                p.waitFor(5, TimeUnit.SECONDS);
            }
            for (String uid : uids) {
                cgroups.remove(uid, "Burstable");
            }
            StringBuilder del = new StringBuilder();
            netns.forEach(n -> del.append("netns del ").append(n).append('\n'));
            Host.Out ignored = runWithInput(List.of("ip", "-force", "-batch", "-"), del.toString());
            ItCluster.admin().pods().inNamespace(ItCluster.NAMESPACE).withLabel("berth-bench").withGracePeriod(0)
                    .delete();
        }
    }

    private static void batch(NodeFixture node, List<String> command, String input) {
        Host.Out o = runWithInput(command, input);
        if (!o.ok()) {
            throw new IllegalStateException(command + " failed: " + o.err());
        }
    }

    static Host.Out runWithInput(List<String> command, String input) {
        try {
            Path in = Files.createTempFile("batch", ".txt");
            Files.writeString(in, input);
            Process p = new ProcessBuilder(command).redirectInput(in.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes());
            String err = new String(p.getErrorStream().readAllBytes());
            p.waitFor();
            Files.delete(in);
            return new Host.Out(p.exitValue(), out, err);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** utime and stime of a process, in clock ticks (USER_HZ = 100). */
    static long[] cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new long[]{Long.parseLong(f[11]), Long.parseLong(f[12])};
    }

    static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }
}
