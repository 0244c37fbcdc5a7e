package io.berth.agent.it;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Block IO accounting for the IO check. On cgroup v1 the kernel only counts blkio.throttle bytes for a cgroup that has
 * a throttle rule, so the test gives the pod a rule no IO can reach (1 TiB/s), as an operator would to get IO
 * accounting there.
 */
final class AgentIo {

    private AgentIo() {
    }

    /** MAJ:MIN of the block device under /var/tmp (where the burner does direct IO), or null if not block-backed. */
    static Path blockDeviceOfVarTmp() {
        return blockDeviceOf(Path.of("/var/tmp"));
    }

    /** MAJ:MIN of the disk a path lies on, or null if it is not block-backed. */
    static Path blockDeviceOf(Path path) {
        Host.Out o = Host.exec(List.of("findmnt", "-n", "-o", "MAJ:MIN,FSTYPE", "-T", path.toString()));
        if (!o.ok()) {
            return null;
        }
        String[] f = o.out().trim().split("\\s+");
        if (f.length < 2 || f[0].startsWith("0:") || List.of("tmpfs", "overlay").contains(f[1])) {
            return null;
        }
        String majMin = f[0];
        // A partition's stats are charged to the whole disk: use the disk's numbers.
        Path sys = Path.of("/sys/dev/block", majMin);
        Path partition = sys.resolve("partition");
        if (Files.exists(partition)) {
            try {
                String parentDev = Files.readString(sys.toRealPath().getParent().resolve("dev")).trim();
                return Path.of(parentDev);
            } catch (Exception e) {
                return Path.of(majMin);
            }
        }
        return Path.of(majMin);
    }

    /** The same rule on a real pod's blkio cgroup (cgroup v1). */
    static void enableIoAccounting(Path podBlkioCgroup, Path device) {
        Host.write(podBlkioCgroup.resolve("blkio.throttle.read_bps_device"), device + " 1099511627776");
        Host.write(podBlkioCgroup.resolve("blkio.throttle.write_bps_device"), device + " 1099511627776");
    }

    static void enableIoAccounting(TestCgroups cgroups, TestPod pod, Path device) {
        if (cgroups.version() != io.berth.agent.cgroup.CgroupLayout.Version.V1) {
            return; // v2's io.stat counts without a rule
        }
        for (Path dir : cgroups.podDirs(pod.uid, pod.qos)) {
            if (dir.toString().contains("/blkio/")) {
                Host.write(dir.resolve("blkio.throttle.read_bps_device"), device + " 1099511627776");
                Host.write(dir.resolve("blkio.throttle.write_bps_device"), device + " 1099511627776");
            }
        }
    }
}
