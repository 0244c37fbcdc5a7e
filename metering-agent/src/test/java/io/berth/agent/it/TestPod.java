package io.berth.agent.it;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/**
 * A "pod" as the agent sees one on a real node: a Pod object bound to the node, a cgroup in the kubelet's layout, a
 * network namespace with eth0, and real processes (a pause process, CPU burners, traffic) living in both.
 */
final class TestPod implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path podtool;

    final String name;
    final String uid;
    final String qos;
    final String netns;
    final String ip;
    final TestCgroups cgroups;
    private final KubernetesClient kube;
    private final String namespace;
    private final Path logs;
    private final List<Process> processes = new ArrayList<>();
    private final List<String> containers = new ArrayList<>();
    private int started;

    private TestPod(KubernetesClient kube, String namespace, Pod pod, TestCgroups cgroups, String netns, String ip,
            Path logs) {
        this.kube = kube;
        this.namespace = namespace;
        this.name = pod.getMetadata().getName();
        this.uid = pod.getMetadata().getUid();
        this.qos = pod.getStatus() != null && pod.getStatus().getQosClass() != null
                ? pod.getStatus().getQosClass()
                : "Burstable";
        this.cgroups = cgroups;
        this.netns = netns;
        this.ip = ip;
        this.logs = logs;
    }

    /** Creates the Pod object (bound to {@code node}), its cgroup and its pause process in {@code netns}. */
    static TestPod create(KubernetesClient kube, String namespace, String node, String name, TestCgroups cgroups,
            String netns, String ip, Path logs) {
        Pod spec = new PodBuilder().withNewMetadata().withName(name).withNamespace(namespace)
                .addToLabels("app.kubernetes.io/part-of", "berth-agent-it").endMetadata().withNewSpec()
                .withNodeName(node).withTerminationGracePeriodSeconds(0L).withAutomountServiceAccountToken(false)
                .addNewToleration().withOperator("Exists").endToleration().addNewContainer().withName("app")
                .withImage("registry.invalid/berth/app:1").withNewResources()
                .withRequests(Map.of("cpu", new Quantity("250m"), "memory", new Quantity("64Mi")))
                .withLimits(Map.of("cpu", new Quantity("500m"), "memory", new Quantity("256Mi"))).endResources()
                .endContainer().endSpec().build();
        Pod created = null;
        for (int attempt = 0; created == null; attempt++) {
            try {
                created = kube.pods().inNamespace(namespace).resource(spec).create();
            } catch (KubernetesClientException e) {
                // A new namespace's default ServiceAccount appears a moment after the namespace.
                if (attempt > 50 || !String.valueOf(e.getMessage()).contains("serviceaccount")) {
                    throw e;
                }
                sleep(200);
            }
        }
        if (ip != null) {
            created = kube.pods().inNamespace(namespace).withName(name).editStatus(p -> new PodBuilder(p)
                    .editOrNewStatus().withPodIP(ip).withPhase("Running").endStatus().build());
        }
        TestPod pod = new TestPod(kube, namespace, created, cgroups, netns, ip, logs);
        pod.container("pause");
        pod.start("pause", "pause");
        return pod;
    }

    /** Makes a container cgroup (a container "starting"). */
    void container(String container) {
        cgroups.create(uid, qos, container);
        containers.add(container);
    }

    /** Starts podtool in the pod's network namespace, joined to {@code container}'s cgroup; waits until it is up. */
    Process start(String container, String... args) {
        Process p = launch(container, args);
        Path out = output(p);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (read(out).contains("\"ready\"")) {
                return p;
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("podtool " + String.join(" ", args) + " exited: " + read(out)
                        + read(Path.of(out + ".err")));
            }
            sleep(20);
        }
        throw new IllegalStateException("podtool " + String.join(" ", args) + " did not get ready");
    }

    /** Runs podtool to its end and returns the JSON it printed last. */
    JsonNode run(String container, String... args) {
        Process p = launch(container, args);
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("podtool " + String.join(" ", args) + " failed: "
                        + read(Path.of(output(p) + ".err")));
            }
            String[] lines = read(output(p)).strip().split("\n");
            return JSON.readTree(lines[lines.length - 1]);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private final Map<Process, Path> outputs = new java.util.HashMap<>();

    private Process launch(String container, String... args) {
        List<String> command = new ArrayList<>(
                List.of("nsenter", "--net=/var/run/netns/" + netns, "--", Host.python(), podtool().toString()));
        for (Path dir : cgroups.containerDirs(uid, qos, container)) {
            command.add("--join");
            command.add(dir.toString());
        }
        command.addAll(List.of(args));
        try {
            Files.createDirectories(logs);
            Path out = logs.resolve(name + "-" + args[0] + "-" + (started++) + ".out");
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile())
                    .redirectError(Path.of(out + ".err").toFile()).start();
            processes.add(p);
            outputs.put(p, out);
            return p;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path output(Process p) {
        return outputs.get(p);
    }

    /** Kills a process of the pod (SIGKILL, as a container's processes die) and waits for it. */
    void kill(Process p) {
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        processes.remove(p);
    }

    /** Every process of the pod ends: what a pod looks like when its sandbox is torn down. */
    void killAll() {
        for (Process p : new ArrayList<>(processes)) {
            kill(p);
        }
    }

    long cpuNanos() {
        return cgroups.cpuNanos(uid, qos);
    }

    void deletePodObject() {
        kube.pods().inNamespace(namespace).withName(name).withGracePeriod(0).delete();
    }

    @Override
    public void close() {
        killAll();
        cgroups.remove(uid, qos);
        try {
            deletePodObject();
        } catch (RuntimeException e) {
            // already gone
        }
    }

    static synchronized Path podtool() {
        if (podtool == null) {
            try (InputStream in = TestPod.class.getResourceAsStream("/podtool.py")) {
                Path file = Path.of("target/it/podtool.py").toAbsolutePath();
                Files.createDirectories(file.getParent());
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                podtool = file;
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return podtool;
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "";
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
