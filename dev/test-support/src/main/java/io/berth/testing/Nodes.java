package io.berth.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The stack's real worker nodes (dev/lib/node.sh), as tests need to see them from the host: their names, addresses and
 * network namespaces, where their kubelets keep pods' cgroups, and the stack's outside host (an address metered as
 * external, in a network namespace of its own).
 */
public final class Nodes {

    private Nodes() {
    }

    public static List<String> names() {
        return list("NODES");
    }

    /** The name of node {@code n}, counting from 1. */
    public static String name(int n) {
        return names().get(n - 1);
    }

    public static String ip(int n) {
        return list("NODE_IPS").get(n - 1);
    }

    public static String netns(int n) {
        return list("NODE_NETNS").get(n - 1);
    }

    /** The kubelet's --cgroup-root on node {@code n}. */
    public static String cgroupRoot(int n) {
        return list("NODE_CGROUPS").get(n - 1);
    }

    public static int number(String nodeName) {
        int i = names().indexOf(nodeName);
        if (i < 0) {
            throw new IllegalArgumentException(nodeName + " is not one of the stack's nodes " + names());
        }
        return i + 1;
    }

    /** A pod's cgroup in one cgroup v1 controller, in the kubelet's cgroupfs layout. */
    public static Path podCgroup(String nodeName, String controller, String qosClass, String podUid) {
        String qos = qosClass == null ? "burstable" : qosClass.toLowerCase(Locale.ROOT);
        String relative = qos.equals("guaranteed") ? "kubepods/pod" + podUid : "kubepods/" + qos + "/pod" + podUid;
        return Path.of("/sys/fs/cgroup", controller, cgroupRoot(number(nodeName)).substring(1), relative);
    }

    /** The CPU time a pod's cgroup counted, in nanoseconds (cgroup v1 cpuacct.usage). */
    public static long cpuNanos(String nodeName, String qosClass, String podUid) {
        return Long.parseLong(read(podCgroup(nodeName, "cpuacct", qosClass, podUid).resolve("cpuacct.usage")));
    }

    /**
     * Whether the metering agent's filters (handle 0xbe7) sit on the pod's eth0, as the kernel shows them: traffic
     * a pod sends before they are attached is not counted (docs/metering.md, "First packets of a pod"), so a test
     * that meters a known payload waits for this before sending it.
     */
    public static boolean meterAttached(String nodeName, String qosClass, String podUid) {
        Path cgroup = podCgroup(nodeName, "cpuacct", qosClass, podUid);
        try (var files = Files.walk(cgroup)) {
            List<Path> procs = files.filter(f -> f.getFileName().toString().equals("cgroup.procs")).toList();
            for (Path f : procs) {
                for (String pid : Files.readAllLines(f)) {
                    if (pid.isBlank()) {
                        continue;
                    }
                    Process p = new ProcessBuilder("nsenter", "--net=/proc/" + pid.strip() + "/ns/net", "--", "tc",
                            "filter", "show", "dev", "eth0", "egress").redirectErrorStream(true).start();
                    String out = new String(p.getInputStream().readAllBytes());
                    if (p.waitFor() == 0) {
                        return out.contains("handle 0xbe7");
                    }
                }
            }
            return false;
        } catch (IOException e) {
            return false; // the pod's cgroup is not there (yet, or any more)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static String outsideIp() {
        return RealStack.get("OUTSIDE_IP");
    }

    public static String outsideNetns() {
        return RealStack.get("OUTSIDE_NETNS");
    }

    /** The berth-demo program of the stack's images, built for the host. */
    public static String demo() {
        return RealStack.get("DEMO_BIN");
    }

    /**
     * Starts {@code berth-demo args} in the outside host and waits until it reports ready; its output goes to
     * {@code log}. The caller stops it.
     */
    public static Process outside(Path log, String... args) {
        List<String> command = new ArrayList<>(List.of("nsenter", "--net=/var/run/netns/" + outsideNetns(), "--",
                demo()));
        command.addAll(List.of(args));
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!Files.readString(log).contains("ready") && !Files.readString(log).contains("listening")) {
                if (!p.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("berth-demo " + String.join(" ", args)
                            + " did not start in the outside host: " + Files.readString(log));
                }
                Thread.sleep(20);
            }
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs a command in a network namespace of the stack (a node's or the outside host's); fails if it fails. */
    public static String inNetns(String netns, String... command) {
        List<String> full = new ArrayList<>(List.of("nsenter", "--net=/var/run/netns/" + netns, "--"));
        full.addAll(List.of(command));
        try {
            Process p = new ProcessBuilder(full).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", full) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static List<String> list(String key) {
        return List.of(RealStack.get(key).split(","));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
