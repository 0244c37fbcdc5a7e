package io.berth.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input to the stack scripts: each failure names its cause and its fix, and leaves nothing running. Each case uses
 * its own state directory and port range, so it never touches a developer's or the test suite's stack.
 */
class DevStackScriptIT {

    /*
     * Every port below the kernel's ephemeral range (32768 and up): at 25000 PostgreSQL's 40432 was once taken by the
     * apiserver's own outgoing connection to etcd. Clear of the test stack (10000) and the benchmarks (5000).
     */
    private static final int OFFSET = 13000;

    @TempDir
    Path tmp;

    /**
     * From empty caches the first start compiles Kubernetes and the node's programs (tens of minutes on two cores):
     * done once here, so that each case's time limit is about the scripts, not the compiler.
     */
    @BeforeAll
    static void everythingTheStackRunsIsBuilt(@TempDir Path state) throws Exception {
        Result r = run(state, 80, Map.of(), "build");
        assertThat(r.exit).as(r.output).isZero();
    }

    @Test
    void aPortInUseStopsBeforeAnythingStartsAndNamesThePortAndTheFix() throws Exception {
        int keycloakPort = 18180 + OFFSET;
        try (ServerSocket squatter = new ServerSocket(keycloakPort, 1, InetAddress.getLoopbackAddress())) {
            Result r = stack(Map.of(), "up", "--no-backend");

            assertThat(r.exit).isNotZero();
            assertThat(r.output).contains("port " + keycloakPort + ", needed for Keycloak, is already in use")
                    .contains("Fix: stop that process, or run with BERTH_PORT_OFFSET");
        }
        assertNothingRunning();
    }

    @Test
    void aMissingToolIsNamedWithHowToInstallIt() throws Exception {
        // A PATH holding every tool of /usr/bin and /bin but Go, and an empty binary cache, so a build is needed.
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        for (String dir : List.of("/usr/bin", "/bin", "/usr/sbin")) {
            try (Stream<Path> tools = Files.list(Path.of(dir))) {
                for (Path tool : (Iterable<Path>) tools::iterator) {
                    Path link = bin.resolve(tool.getFileName());
                    if (!tool.getFileName().toString().equals("go")
                            && !Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                        Files.createSymbolicLink(link, tool);
                    }
                }
            }
        }
        Result r = stack(Map.of("PATH", bin.toString(), "BERTH_CACHE", tmp.resolve("cache").toString()), "up",
                "--no-backend");

        assertThat(r.exit).isNotZero();
        assertThat(r.output).contains("required tool 'go' not found. Fix: install Go");
        assertNothingRunning();
    }

    @Test
    void aFailedGoBuildSaysWhatFailedAndHowToFixIt() throws Exception {
        Result r = stack(Map.of("BERTH_CACHE", tmp.resolve("cache").toString(), "BERTH_K8S_VERSION", "v1.99.0"), "up",
                "--no-backend");

        assertThat(r.exit).isNotZero();
        assertThat(r.output).contains("could not download k8s.io/kubernetes@v1.99.0 from the Go module proxy")
                .contains("building the Kubernetes control plane failed");
        assertNothingRunning();
    }

    @Test
    void aFailureAfterSomePartsStartedStopsThemAgain() throws Exception {
        // The control plane and PostgreSQL start; Keycloak cannot be fetched. Nothing may stay up.
        Result r = stack(Map.of("BERTH_KEYCLOAK_VERSION", "0.0.0-missing"), "up", "--no-backend");

        assertThat(r.exit).isNotZero();
        assertThat(r.output).contains("Kubernetes control plane ready").contains("PostgreSQL ready")
                .contains("downloading org.keycloak:keycloak-quarkus-dist:0.0.0-missing failed")
                .contains("stopping what this run started: network etcd kube-apiserver kube-controller-manager"
                        + " kube-scheduler postgres");
        assertNothingRunning();
    }

    @Test
    void aStackWithItsNodeComesUpRunsAPodAndGoesDownLeavingTheHostAsItFoundIt() throws Exception {
        String before = hostState();
        Result up = stack(Map.of("BERTH_NODES", "1"), "up", "--no-backend", "--no-agent");
        try {
            assertThat(up.exit).as(up.output).isZero();
            assertThat(up.output).contains("node berth-node-1 ready").contains("cluster DNS ready");
            Map<String, String> env = RealStack.readEnv(tmp.resolve("state/stack.env"));
            Kubectl kubectl = new Kubectl(Path.of(env.get("ADMIN_KUBECONFIG")), env.get("KUBECTL"));
            assertThat(kubectl.run("run", "probe", "--image=berth/client:0.1.0", "--restart=Never").ok()).isTrue();
            assertThat(kubectl.run(java.time.Duration.ofSeconds(90), null, "wait", "--for=condition=Ready",
                    "pod/probe", "--timeout=80s").ok()).isTrue();
            assertThat(hostState()).as("the running stack changes the host").isNotEqualTo(before)
                    .contains("netns berth13-node1", "link berth13lan", "cgroup /sys/fs/cgroup/cpu/berth13");
        } finally {
            Result down = stack(Map.of(), "down");
            assertThat(down.exit).as(down.output).isZero();
        }
        assertThat(hostState()).isEqualTo(before);
        assertNothingRunning();
    }

    /**
     * What a stack may change on the host, as text: what carries this stack's network number (links, network
     * namespaces, mounts, cgroups, BPF pins) and, when no other Berth stack runs here (another stack's pods come and
     * go and change the host meanwhile), the host-wide part too: the sysctls the kubelet and CNI touch, the paths the
     * kubelet, CNI and iptables create, the bpffs mount and the host's own firewall tables.
     */
    private static String hostState() throws Exception {
        String ours = "berth" + OFFSET / 1000;
        String ourLinks = "b" + OFFSET / 1000 + "n";
        StringBuilder b = new StringBuilder();
        command("ip", "-o", "link", "show").lines().map(l -> l.replaceAll("^\\d+: ", "").split("[:@]")[0])
                .filter(n -> n.startsWith(ours) || n.startsWith(ourLinks)).sorted()
                .forEach(n -> b.append("link ").append(n).append('\n'));
        command("ip", "netns", "list").lines().map(l -> l.split(" ")[0]).filter(n -> n.startsWith(ours + "-"))
                .sorted().forEach(n -> b.append("netns ").append(n).append('\n'));
        try (Stream<String> mounts = Files.lines(Path.of("/proc/self/mounts"))) {
            mounts.map(m -> m.split(" ")[1]).filter(m -> m.contains("/" + ours) || m.contains("junit")).sorted()
                    .forEach(m -> b.append("mount ").append(m).append('\n'));
        }
        try (Stream<Path> hierarchies = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path h : (Iterable<Path>) hierarchies::iterator) {
                if (Files.isDirectory(h.resolve(ours))) {
                    b.append("cgroup ").append(h.resolve(ours)).append('\n');
                }
            }
        }
        for (String path : List.of("/sys/fs/bpf/" + ours, "/run/berth-nodes/" + ours + "-n1")) {
            b.append(path).append(Files.exists(Path.of(path)) ? " present\n" : " absent\n");
        }
        if (otherStacksRun()) {
            return b.append("(other Berth stacks run here: host-wide state not compared)\n").toString();
        }
        for (String key : List.of("vm/overcommit_memory", "kernel/panic", "kernel/panic_on_oops",
                "net/ipv4/ip_forward")) {
            b.append(key).append('=').append(Files.readString(Path.of("/proc/sys", key)).strip()).append('\n');
        }
        b.append(command("ip", "-o", "link", "show").replaceAll("\\d+: ", "").replaceAll("link/\\S+ \\S+", ""));
        b.append(command("ip", "netns", "list"));
        try (Stream<String> mounts = Files.lines(Path.of("/proc/self/mounts"))) {
            mounts.sorted().forEach(m -> b.append(m).append('\n'));
        }
        for (String path : List.of("/var/log/containers", "/var/lib/cni", "/run/xtables.lock", "/run/berth",
                "/run/berth-nodes", "/run/containerd", "/run/netns")) {
            b.append(path).append(Files.exists(Path.of(path)) ? " present\n" : " absent\n");
        }
        b.append(command("iptables-save").lines().filter(l -> !l.startsWith("#")).reduce("", (x, y) -> x + y + "\n"));
        return b.toString();
    }

    /** Another stack on this host (the ledger of dev/lib/network.sh names every running stack). */
    private static boolean otherStacksRun() throws IOException {
        Path stacks = Path.of("/run/berth/stacks");
        if (!Files.isDirectory(stacks)) {
            return false;
        }
        try (Stream<Path> files = Files.list(stacks)) {
            return files.anyMatch(f -> !f.getFileName().toString().equals(Integer.toString(OFFSET / 1000)));
        }
    }

    private static String command(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }

    /** PostgreSQL data kept outside a state directory the postgres user cannot enter (see dev/lib/postgres.sh). */
    @AfterEach
    void removeRelocatedDatabase() throws IOException {
        Path link = tmp.resolve("state/postgres");
        if (Files.isSymbolicLink(link)) {
            Path cluster = Files.readSymbolicLink(link).getParent();
            try (Stream<Path> files = Files.walk(cluster)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    private void assertNothingRunning() throws Exception {
        Result status = stack(Map.of(), "status");
        assertThat(status.output).doesNotContain("running");
        Path pids = tmp.resolve("state/pids");
        if (Files.isDirectory(pids)) {
            try (Stream<Path> files = Files.list(pids)) {
                assertThat(files).as("recorded PIDs").isEmpty();
            }
        }
    }

    private record Result(int exit, String output) {
    }

    private Result stack(Map<String, String> env, String... args) throws IOException, InterruptedException {
        return run(tmp, 10, env, args);
    }

    private static Result run(Path dir, int minutes, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(RealStack.root().resolve("dev/stack").toString()));
        command.addAll(List.of(args));
        Path out = dir.resolve("out-" + System.nanoTime());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().put("BERTH_STATE", dir.resolve("state").toString());
        pb.environment().put("BERTH_PORT_OFFSET", String.valueOf(OFFSET));
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("dev/stack " + String.join(" ", args) + " hung");
        }
        return new Result(p.exitValue(), Files.readString(out));
    }
}
