package io.berth.agent.cgroup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.berth.agent.AgentConfig;
import io.berth.agent.StartupException;

/** Parsing of recorded cgroup files (taken from kernel 6.18), and kubelet's directory layouts. */
class CgroupReaderTest {

    static final String UID = "0a1b2c3d-1111-2222-3333-444455556666";

    @TempDir
    Path root;

    @Test
    void v2SystemdPodIsFoundAndRead() throws IOException {
        Files.writeString(root.resolve("cgroup.controllers"), "cpuset cpu io memory pids\n");
        Path pod = Files.createDirectories(root.resolve(
                "kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0a1b2c3d_1111_2222_3333_444455556666.slice"));
        Files.writeString(pod.resolve("cpu.stat"), """
                usage_usec 868523
                user_usec 859244
                system_usec 9279
                nice_usec 0
                nr_periods 0
                """);
        Files.writeString(pod.resolve("memory.current"), "104857600\n");
        Files.writeString(pod.resolve("memory.stat"), """
                anon 73400320
                file 31457280
                active_file 10485760
                inactive_file 20971520
                """);
        Files.writeString(pod.resolve("io.stat"), """
                254:0 rbytes=8388608 wbytes=4194304 rios=64 wios=32 dbytes=0 dios=0
                8:16 rbytes=1459200 wbytes=314773504 rios=192 wios=353 dbytes=0 dios=0
                """);
        CgroupLayout layout = CgroupLayout.detect(cgroup(root, "auto", "auto"));
        assertThat(layout.version()).isEqualTo(CgroupLayout.Version.V2);
        PodCgroup found = layout.find(UID, "Burstable").orElseThrow();
        CgroupUsage u = new CgroupReader().read(found);
        assertThat(u.cpuNanos()).isEqualTo(868_523_000L);
        assertThat(u.memoryWorkingSetBytes()).isEqualTo(104_857_600L - 20_971_520L);
        assertThat(u.ioReadBytes()).isEqualTo(8_388_608L + 1_459_200L);
        assertThat(u.ioWriteBytes()).isEqualTo(4_194_304L + 314_773_504L);
    }

    @Test
    void v2WithoutControllersReadsCpuOnly() throws IOException {
        Files.writeString(root.resolve("cgroup.controllers"), "\n");
        Path pod = Files.createDirectories(root.resolve("kubepods/besteffort/pod" + UID));
        Files.writeString(pod.resolve("cpu.stat"), "usage_usec 42\nuser_usec 40\nsystem_usec 2\n");
        PodCgroup found = CgroupLayout.detect(cgroup(root, "v2", "cgroupfs")).find(UID, "BestEffort").orElseThrow();
        assertThat(new CgroupReader().read(found)).isEqualTo(new CgroupUsage(42_000, 0, 0, 0));
    }

    @Test
    void v1CgroupfsPodIsReadFromEachController() throws IOException {
        Path cpu = Files.createDirectories(root.resolve("cpuacct/kubepods/pod" + UID));
        Path mem = Files.createDirectories(root.resolve("memory/kubepods/pod" + UID));
        Path blk = Files.createDirectories(root.resolve("blkio/kubepods/pod" + UID));
        Files.writeString(cpu.resolve("cpuacct.usage"), "868523888\n");
        Files.writeString(mem.resolve("memory.usage_in_bytes"), "798720\n");
        Files.writeString(mem.resolve("memory.stat"), """
                cache 0
                inactive_file 0
                total_cache 90112
                total_inactive_file 90112
                """);
        Files.writeString(blk.resolve("blkio.throttle.io_service_bytes_recursive"), """
                254:0 Read 8388608
                254:0 Write 8388608
                254:0 Sync 16777216
                254:0 Async 0
                254:0 Discard 0
                254:0 Total 16777216
                Total 16777216
                """);
        CgroupLayout layout = CgroupLayout.detect(cgroup(root, "auto", "auto"));
        assertThat(layout.version()).isEqualTo(CgroupLayout.Version.V1);
        PodCgroup found = layout.find(UID, "Guaranteed").orElseThrow();
        assertThat(new CgroupReader().read(found)).isEqualTo(new CgroupUsage(868_523_888L, 798_720L - 90_112L,
                8_388_608L, 8_388_608L));
    }

    @Test
    void aVanishedCgroupIsReportedAsGone() throws IOException {
        Files.writeString(root.resolve("cgroup.controllers"), "\n");
        Path pod = Files.createDirectories(root.resolve("kubepods/pod" + UID));
        Files.writeString(pod.resolve("cpu.stat"), "usage_usec 42\n");
        PodCgroup found = CgroupLayout.detect(cgroup(root, "auto", "cgroupfs")).find(UID, null).orElseThrow();
        Files.delete(pod.resolve("cpu.stat"));
        assertThatThrownBy(() -> new CgroupReader().read(found)).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void kubeletPathsForBothDrivers() {
        assertThat(CgroupLayout.relative(CgroupLayout.Driver.CGROUPFS, "burstable", UID))
                .isEqualTo("kubepods/burstable/pod" + UID);
        assertThat(CgroupLayout.relative(CgroupLayout.Driver.CGROUPFS, "guaranteed", UID))
                .isEqualTo("kubepods/pod" + UID);
        assertThat(CgroupLayout.relative(CgroupLayout.Driver.SYSTEMD, "besteffort", UID)).isEqualTo(
                "kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod0a1b2c3d_1111_2222_3333_444455556666.slice");
        assertThat(CgroupLayout.relative(CgroupLayout.Driver.SYSTEMD, "guaranteed", UID))
                .isEqualTo("kubepods.slice/kubepods-pod0a1b2c3d_1111_2222_3333_444455556666.slice");
    }

    @Test
    void aMissingRootOrBadSettingNamesTheSetting() {
        assertThatThrownBy(() -> CgroupLayout.detect(cgroup(root.resolve("nope"), "auto", "auto")))
                .isInstanceOf(StartupException.class).hasMessageStartingWith("berth.agent.cgroup.root: ");
        assertThatThrownBy(() -> CgroupLayout.detect(cgroup(root, "auto", "auto")))
                .hasMessageStartingWith("berth.agent.cgroup.root: ").hasMessageContaining("neither");
        assertThatThrownBy(() -> CgroupLayout.detect(cgroup(root, "v3", "auto")))
                .hasMessageStartingWith("berth.agent.cgroup.version: ");
    }

    @Test
    void theKubeletRootIsWhatLiesAboveTheAgentsOwnKubepods() {
        String v1 = """
                12:pids:/berth10/node1/kubepods/burstable/pod%s/0f3c
                5:cpuacct:/berth10/node1/kubepods/burstable/pod%s/0f3c
                4:cpu:/berth10/node1/kubepods/burstable/pod%s/0f3c
                0::/
                """.formatted(UID, UID, UID);
        assertThat(CgroupLayout.kubeletRootOf(v1, CgroupLayout.Version.V1)).isEqualTo("/berth10/node1");
        assertThat(CgroupLayout.kubeletRootOf("0::/kubepods.slice/kubepods-burstable.slice/x.scope\n",
                CgroupLayout.Version.V2)).isEqualTo("/");
        assertThat(CgroupLayout.kubeletRootOf("0::/custom.slice/kubepods.slice/x.scope\n",
                CgroupLayout.Version.V2)).isEqualTo("/custom.slice");
        assertThat(CgroupLayout.kubeletRootOf("5:cpuacct:/user.slice\n0::/user.slice\n", CgroupLayout.Version.V1))
                .as("outside any pod").isEqualTo("/");
        assertThat(CgroupLayout.kubeletRootOf("0::/\n", CgroupLayout.Version.V2)).as("a cgroup namespace")
                .isEqualTo("/");
    }

    @Test
    void podsAreFoundBelowTheKubeletRoot() throws IOException {
        Path pod = Files.createDirectories(root.resolve("cpuacct/berth10/node1/kubepods/besteffort/pod" + UID));
        Files.createDirectories(root.resolve("memory/berth10/node1"));
        Files.writeString(pod.resolve("cpuacct.usage"), "7000\n");
        PodCgroup found = CgroupLayout.detect(cgroup(root, "auto", "cgroupfs", "/berth10/node1"))
                .find(UID, "BestEffort").orElseThrow();
        assertThat(new CgroupReader().read(found).cpuNanos()).isEqualTo(7000);
        assertThatThrownBy(() -> CgroupLayout.detect(cgroup(root, "auto", "cgroupfs", "/elsewhere")))
                .hasMessageStartingWith("berth.agent.cgroup.kubelet-root: ").hasMessageContaining("elsewhere");
    }

    static AgentConfig.Cgroup cgroup(Path root, String version, String driver) {
        return cgroup(root, version, driver, "/");
    }

    static AgentConfig.Cgroup cgroup(Path root, String version, String driver, String kubeletRoot) {
        return new AgentConfig.Cgroup() {
            public String kubeletRoot() {
                return kubeletRoot;
            }

            public String root() {
                return root.toString();
            }

            public String version() {
                return version;
            }

            public String driver() {
                return driver;
            }
        };
    }
}
