package io.berth.agent.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import io.berth.agent.cgroup.CgroupLayout;
import io.berth.agent.cgroup.CgroupLayout.Driver;
import io.berth.agent.cgroup.CgroupLayout.Version;

/**
 * Real pod cgroups in the kubelet's layout, on the host's cgroup filesystem: v1 (one tree per controller) where the host
 * has it, else v2. A pod's processes live in container sub-cgroups, never in the pod cgroup itself (v2 forbids it once
 * controllers are enabled below it).
 */
record TestCgroups(Version version, Driver driver, Path root) {

    static final Path FS = Path.of("/sys/fs/cgroup");
    private static final List<String> V1_CONTROLLERS = List.of("cpu", "cpuacct", "memory", "blkio", "pids");

    /** The host's own cgroup mode: v1 (or hybrid) at /sys/fs/cgroup, else the v2 tree there. */
    static TestCgroups primary(Driver driver) {
        return Files.exists(FS.resolve("cgroup.controllers"))
                ? new TestCgroups(Version.V2, driver, FS)
                : new TestCgroups(Version.V1, driver, FS);
    }

    /** A v2 tree: the whole cgroup fs on a v2 host, the "unified" mount on a hybrid one. */
    static TestCgroups v2(Driver driver) {
        return Files.exists(FS.resolve("cgroup.controllers"))
                ? new TestCgroups(Version.V2, driver, FS)
                : new TestCgroups(Version.V2, driver, FS.resolve("unified"));
    }

    String relative(String uid, String qos) {
        return CgroupLayout.relative(driver, qos.toLowerCase(), uid);
    }

    /** The pod-level cgroup directories (one per v1 controller, or one). */
    List<Path> podDirs(String uid, String qos) {
        List<Path> dirs = new ArrayList<>();
        if (version == Version.V2) {
            dirs.add(root.resolve(relative(uid, qos)));
        } else {
            for (String c : V1_CONTROLLERS) {
                if (Files.isDirectory(root.resolve(c))) {
                    dirs.add(root.resolve(c).resolve(relative(uid, qos)));
                }
            }
        }
        return dirs;
    }

    List<Path> containerDirs(String uid, String qos, String container) {
        return podDirs(uid, qos).stream().map(d -> d.resolve(container)).toList();
    }

    void create(String uid, String qos, String container) {
        for (Path dir : containerDirs(uid, qos, container)) {
            if (version == Version.V2) {
                // Enable the controllers level by level, as the kubelet (or systemd) would.
                Path level = root;
                for (Path part : root.relativize(dir)) {
                    enableControllers(level);
                    level = level.resolve(part);
                    mkdir(level);
                }
            } else {
                mkdir(dir);
            }
        }
    }

    private static void enableControllers(Path level) {
        Path control = level.resolve("cgroup.subtree_control");
        Path available = level.resolve("cgroup.controllers");
        if (!Files.exists(control) || !Files.exists(available)) {
            return;
        }
        try {
            for (String c : Files.readString(available).trim().split("\\s+")) {
                if (List.of("cpu", "memory", "io", "pids").contains(c)) {
                    try {
                        Files.writeString(control, "+" + c);
                    } catch (IOException e) {
                        // busy (processes in this level) or not delegable: read what is there
                    }
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Caps a container's CPU (CFS quota per 100 ms); false where the cpu controller is absent (bare v2 mount). */
    boolean quota(String uid, String qos, String container, int percentOfOneCpu) {
        for (Path dir : containerDirs(uid, qos, container)) {
            if (version == Version.V2 && Files.exists(dir.resolve("cpu.max"))) {
                Host.write(dir.resolve("cpu.max"), (percentOfOneCpu * 1000) + " 100000");
                return true;
            }
            if (version == Version.V1 && dir.toString().contains("/cpu/")) {
                Host.write(dir.resolve("cpu.cfs_period_us"), "100000");
                Host.write(dir.resolve("cpu.cfs_quota_us"), Integer.toString(percentOfOneCpu * 1000));
                return true;
            }
        }
        return false;
    }

    /** The pod cgroup's own CPU counter: what the agent's numbers are checked against. */
    long cpuNanos(String uid, String qos) {
        try {
            if (version == Version.V2) {
                for (String line : Files.readAllLines(root.resolve(relative(uid, qos)).resolve("cpu.stat"))) {
                    if (line.startsWith("usage_usec ")) {
                        return Long.parseLong(line.substring(11).trim()) * 1000;
                    }
                }
                throw new IllegalStateException("no usage_usec");
            }
            return Long.parseLong(
                    Files.readString(root.resolve("cpuacct").resolve(relative(uid, qos)).resolve("cpuacct.usage"))
                            .trim());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Removes a container's cgroup once its processes are gone. */
    void removeContainer(String uid, String qos, String container) {
        for (Path dir : containerDirs(uid, qos, container)) {
            rmdir(dir);
        }
    }

    void remove(String uid, String qos) {
        for (Path pod : podDirs(uid, qos)) {
            if (!Files.exists(pod)) {
                continue;
            }
            try (Stream<Path> dirs = Files.walk(pod)) {
                dirs.filter(Files::isDirectory).sorted(Comparator.reverseOrder()).forEach(TestCgroups::rmdir);
            } catch (IOException e) {
                // already gone
            }
        }
    }

    /** rmdir of a cgroup fails while exiting processes are still being reaped; retry briefly. */
    static void rmdir(Path dir) {
        for (int i = 0; i < 50 && Files.exists(dir); i++) {
            Host.Out o = Host.exec(List.of("rmdir", dir.toString()));
            if (o.ok()) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void mkdir(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot create cgroup " + dir, e);
        }
    }
}
