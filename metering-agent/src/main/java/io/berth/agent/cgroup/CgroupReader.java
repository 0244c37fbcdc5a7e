package io.berth.agent.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads a pod's usage from its cgroup files. Only the CPU counter is required: its absence means the cgroup is gone
 * ({@link NoSuchFileException}). Memory and IO files may be missing (controller not enabled, as on a v2 hierarchy
 * without controllers) and then read as 0.
 *
 * <p>
 * On cgroup v1 the kernel only fills blkio.throttle byte counters for cgroups that have a throttle rule (checked on
 * kernel 6.18), so IO bytes are often 0 there; v2's io.stat has no such condition.
 */
public final class CgroupReader {

    public CgroupUsage read(PodCgroup cgroup) throws IOException {
        return cgroup.version() == CgroupLayout.Version.V2 ? readV2(cgroup) : readV1(cgroup);
    }

    private CgroupUsage readV1(PodCgroup cgroup) throws IOException {
        long cpuNanos = Long.parseLong(Files.readString(cgroup.cpu().resolve("cpuacct.usage")).strip());
        long memory = 0;
        List<String> usage = lines(cgroup.memory().resolve("memory.usage_in_bytes"));
        if (!usage.isEmpty()) {
            long inactive = statValue(lines(cgroup.memory().resolve("memory.stat")), "total_inactive_file");
            memory = Math.max(0, Long.parseLong(usage.get(0).strip()) - inactive);
        }
        List<String> io = lines(cgroup.io().resolve("blkio.throttle.io_service_bytes_recursive"));
        if (io.isEmpty()) {
            io = lines(cgroup.io().resolve("blkio.throttle.io_service_bytes"));
        }
        long read = 0;
        long write = 0;
        for (String line : io) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3) {
                if (f[1].equals("Read")) {
                    read += Long.parseLong(f[2]);
                } else if (f[1].equals("Write")) {
                    write += Long.parseLong(f[2]);
                }
            }
        }
        return new CgroupUsage(cpuNanos, memory, read, write);
    }

    private CgroupUsage readV2(PodCgroup cgroup) throws IOException {
        List<String> cpuStat = Files.readAllLines(cgroup.cpu().resolve("cpu.stat"));
        long cpuNanos = Math.multiplyExact(statValue(cpuStat, "usage_usec"), 1000L);
        long memory = 0;
        List<String> current = lines(cgroup.memory().resolve("memory.current"));
        if (!current.isEmpty()) {
            long inactive = statValue(lines(cgroup.memory().resolve("memory.stat")), "inactive_file");
            memory = Math.max(0, Long.parseLong(current.get(0).strip()) - inactive);
        }
        long read = 0;
        long write = 0;
        for (String line : lines(cgroup.io().resolve("io.stat"))) {
            for (String field : line.trim().split("\\s+")) {
                if (field.startsWith("rbytes=")) {
                    read += Long.parseLong(field.substring(7));
                } else if (field.startsWith("wbytes=")) {
                    write += Long.parseLong(field.substring(7));
                }
            }
        }
        return new CgroupUsage(cpuNanos, memory, read, write);
    }

    /** The value of {@code key} in a flat-keyed file ("key value" per line), 0 if absent. */
    static long statValue(List<String> lines, String key) {
        for (String line : lines) {
            int space = line.indexOf(' ');
            if (space > 0 && line.regionMatches(0, key, 0, space) && space == key.length()) {
                return Long.parseLong(line.substring(space + 1).strip());
            }
        }
        return 0;
    }

    private static List<String> lines(Path file) throws IOException {
        try {
            return Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            return List.of();
        }
    }
}
