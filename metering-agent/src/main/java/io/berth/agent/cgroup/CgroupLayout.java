package io.berth.agent.cgroup;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import io.berth.agent.AgentConfig;
import io.berth.agent.StartupException;

/**
 * Where the kubelet puts a pod's cgroup. The pod-level cgroup is read, never a container's: it outlives container
 * restarts, and its counters include every container that ever ran in the pod.
 *
 * <pre>
 * cgroupfs driver: kubepods/[burstable|besteffort/]pod&lt;uid&gt;
 * systemd driver:  kubepods.slice/[kubepods-burstable.slice/]kubepods[-burstable]-pod&lt;uid with _&gt;.slice
 * </pre>
 *
 * On cgroup v1 each controller has its own tree under the root (cpuacct, memory, blkio); on v2 there is one tree. All
 * of it lies below the kubelet's cgroup root ({@code /} unless the kubelet was given another).
 */
public final class CgroupLayout {

    public enum Version {
        V1, V2
    }

    public enum Driver {
        CGROUPFS, SYSTEMD
    }

    private final Version version;
    private final List<Driver> drivers;
    private final Path unified;
    private final Path cpuacct;
    private final Path memory;
    private final Path blkio;

    private CgroupLayout(Version version, List<Driver> drivers, Path unified, Path cpuacct, Path memory,
            Path blkio) {
        this.version = version;
        this.drivers = drivers;
        this.unified = unified;
        this.cpuacct = cpuacct;
        this.memory = memory;
        this.blkio = blkio;
    }

    public static CgroupLayout detect(AgentConfig.Cgroup config) {
        Path root = Path.of(config.root());
        if (!Files.isDirectory(root)) {
            throw new StartupException("berth.agent.cgroup.root", root + " does not exist or is not a directory;"
                    + " mount the host's cgroup filesystem there (hostPath /sys/fs/cgroup) or set the setting to"
                    + " where it is mounted");
        }
        String wanted = config.version().toLowerCase(Locale.ROOT);
        boolean v2 = Files.exists(root.resolve("cgroup.controllers"));
        Path cpuacct = firstDir(root.resolve("cpuacct"), root.resolve("cpu,cpuacct"), root.resolve("cpuacct,cpu"));
        boolean v1 = cpuacct != null;
        Version version = switch (wanted) {
            case "v2" -> {
                if (!v2) {
                    throw new StartupException("berth.agent.cgroup.version", "v2 asked, but " + root
                            + " is not a cgroup v2 hierarchy (no cgroup.controllers); check berth.agent.cgroup.root");
                }
                yield Version.V2;
            }
            case "v1" -> {
                if (!v1) {
                    throw new StartupException("berth.agent.cgroup.version", "v1 asked, but " + root
                            + " holds no cpuacct controller; check berth.agent.cgroup.root");
                }
                yield Version.V1;
            }
            case "auto" -> {
                if (v2) {
                    yield Version.V2;
                }
                if (v1) {
                    yield Version.V1;
                }
                throw new StartupException("berth.agent.cgroup.root", root + " holds neither a cgroup v2 hierarchy"
                        + " (cgroup.controllers) nor cgroup v1 controllers (cpuacct, memory)");
            }
            default -> throw new StartupException("berth.agent.cgroup.version",
                    "'" + config.version() + "' is not one of auto, v1, v2");
        };
        List<Driver> drivers = switch (config.driver().toLowerCase(Locale.ROOT)) {
            case "cgroupfs" -> List.of(Driver.CGROUPFS);
            case "systemd" -> List.of(Driver.SYSTEMD);
            case "auto" -> List.of(Driver.SYSTEMD, Driver.CGROUPFS);
            default -> throw new StartupException("berth.agent.cgroup.driver",
                    "'" + config.driver() + "' is not one of auto, cgroupfs, systemd");
        };
        String kubeletRoot = kubeletRoot(config.kubeletRoot(), version);
        if (version == Version.V2) {
            Path tree = under(root, kubeletRoot);
            requireDir(tree);
            return new CgroupLayout(version, drivers, tree, null, null, null);
        }
        requireDir(under(cpuacct, kubeletRoot));
        return new CgroupLayout(version, drivers, null, under(cpuacct, kubeletRoot),
                under(root.resolve("memory"), kubeletRoot), under(root.resolve("blkio"), kubeletRoot));
    }

    private static String kubeletRoot(String configured, Version version) {
        if (!"auto".equals(configured)) {
            return configured;
        }
        try {
            return kubeletRootOf(Files.readString(Path.of("/proc/self/cgroup")), version);
        } catch (java.io.IOException e) {
            return "/";
        }
    }

    /**
     * The kubelet's cgroup root as seen from a process in one of its pods: the part of the process's cgroup (a
     * /proc/&lt;pid&gt;/cgroup text) above its kubepods tree; {@code /} for a process outside any pod.
     */
    static String kubeletRootOf(String procCgroup, Version version) {
        for (String line : procCgroup.split("\n")) {
            String[] fields = line.split(":", 3);
            if (fields.length < 3) {
                continue;
            }
            boolean ours = version == Version.V2
                    ? fields[0].equals("0") && fields[1].isEmpty()
                    : List.of(fields[1].split(",")).contains("cpuacct");
            if (!ours) {
                continue;
            }
            int at = fields[2].indexOf("/kubepods");
            return at <= 0 ? "/" : fields[2].substring(0, at);
        }
        return "/";
    }

    private static Path under(Path hierarchy, String kubeletRoot) {
        String relative = kubeletRoot.replaceAll("^/+", "");
        return relative.isEmpty() ? hierarchy : hierarchy.resolve(relative);
    }

    private static void requireDir(Path tree) {
        if (!Files.isDirectory(tree)) {
            throw new StartupException("berth.agent.cgroup.kubelet-root", tree + " does not exist; set the setting to"
                    + " the kubelet's --cgroup-root (cgroupRoot in its configuration)");
        }
    }

    public Version version() {
        return version;
    }

    /** The pod's cgroup, if it exists now. The QoS class (from the pod's status) picks the likely place first. */
    public Optional<PodCgroup> find(String uid, String qosClass) {
        Path base = version == Version.V2 ? unified : cpuacct;
        for (String relative : candidates(uid, qosClass)) {
            if (Files.isDirectory(base.resolve(relative))) {
                return Optional.of(version == Version.V2
                        ? new PodCgroup(version, base.resolve(relative), base.resolve(relative),
                                base.resolve(relative))
                        : new PodCgroup(version, cpuacct.resolve(relative), memory.resolve(relative),
                                blkio.resolve(relative)));
            }
        }
        return Optional.empty();
    }

    List<String> candidates(String uid, String qosClass) {
        List<String> classes = new ArrayList<>(List.of("burstable", "besteffort", "guaranteed"));
        if (qosClass != null) {
            String q = qosClass.toLowerCase(Locale.ROOT);
            if (classes.remove(q)) {
                classes.add(0, q);
            }
        }
        List<String> paths = new ArrayList<>();
        for (Driver driver : drivers) {
            for (String qos : classes) {
                paths.add(relative(driver, qos, uid));
            }
        }
        return paths;
    }

    public static String relative(Driver driver, String qos, String uid) {
        boolean guaranteed = qos.equals("guaranteed");
        if (driver == Driver.CGROUPFS) {
            return guaranteed ? "kubepods/pod" + uid : "kubepods/" + qos + "/pod" + uid;
        }
        String escaped = uid.replace('-', '_');
        return guaranteed
                ? "kubepods.slice/kubepods-pod" + escaped + ".slice"
                : "kubepods.slice/kubepods-" + qos + ".slice/kubepods-" + qos + "-pod" + escaped + ".slice";
    }

    private static Path firstDir(Path... candidates) {
        for (Path p : candidates) {
            if (Files.isDirectory(p)) {
                return p;
            }
        }
        return null;
    }
}
