package io.berth.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real local stack of {@code dev/stack} (Kubernetes control plane, PostgreSQL, Keycloak, two worker nodes with
 * CoreDNS and, unless a module's tests meter with their own agent, the metering agent's DaemonSet), started once per
 * test JVM, or reused when it already runs. Its state lives in {@code .dev/test} and its ports are offset by 10000 so
 * that it runs beside a developer's {@code dev/up} stack.
 *
 * <p>
 * A stack this JVM started is stopped when the JVM exits, unless {@code BERTH_TEST_KEEP_STACK=1}; a stack that was
 * already running is left alone. The system property {@code berth.stack.agent=false} starts it without the agent's
 * DaemonSet (the agent's own tests run the agent themselves); {@code BERTH_TEST_NODES} sets the number of nodes.
 */
public final class RealStack {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(75);
    private static Map<String, String> env;

    private RealStack() {
    }

    /** The stack's settings (the keys of {@code stack.env}), starting the stack on first use. */
    public static synchronized Map<String, String> env() {
        if (env == null) {
            env = start();
        }
        return env;
    }

    public static String get(String key) {
        String value = env().get(key);
        if (value == null) {
            throw new IllegalStateException("stack.env has no " + key);
        }
        return value;
    }

    public static Path root() {
        String configured = System.getProperty("berth.root");
        Path dir = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath();
        for (Path p = dir.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isExecutable(p.resolve("dev/stack"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find dev/stack above " + dir);
    }

    public static Path state() {
        String configured = System.getenv("BERTH_TEST_STATE");
        return configured != null ? Path.of(configured) : root().resolve(".dev/test");
    }

    private static Map<String, String> start() {
        Path root = root();
        Path state = state();
        boolean wasRunning = run(root, state, Duration.ofSeconds(30), "status").contains("running (pid");
        if (!wasRunning) {
            // A fresh state per run: tests see the same empty platform every time.
            deleteTree(state);
        }
        String output = run(root, state, START_TIMEOUT, upArgs());
        if (!wasRunning && !"1".equals(System.getenv("BERTH_TEST_KEEP_STACK"))) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> run(root, state, Duration.ofMinutes(2), "down")));
        }
        Map<String, String> values = readEnv(state.resolve("stack.env"));
        if (values.isEmpty()) {
            throw new IllegalStateException("dev/stack up wrote no stack.env:\n" + output);
        }
        return values;
    }

    /** Starts whatever part of the running stack has stopped (a test that stopped PostgreSQL, say). */
    public static void ensureUp() {
        env();
        run(root(), state(), START_TIMEOUT, upArgs());
    }

    private static String[] upArgs() {
        List<String> up = new ArrayList<>(List.of("up", "--no-backend"));
        if (!withAgent()) {
            up.add("--no-agent");
        }
        return up.toArray(String[]::new);
    }

    /** Whether this JVM's stack runs the metering agent's DaemonSet on its nodes. */
    public static boolean withAgent() {
        return !"false".equals(System.getProperty("berth.stack.agent"));
    }

    /** The stack's nodes, as their Node names. */
    public static List<String> nodes() {
        return List.of(get("NODES").split(","));
    }

    private static String run(Path root, Path state, Duration timeout, String... args) {
        List<String> command = new ArrayList<>();
        command.add(root.resolve("dev/stack").toString());
        command.addAll(List.of(args));
        try {
            Files.createDirectories(state);
            Path log = state.resolve("stack-" + args[0] + ".out");
            ProcessBuilder builder = new ProcessBuilder(command).directory(root.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            builder.environment().put("BERTH_STATE", state.toString());
            builder.environment().put("BERTH_PORT_OFFSET",
                    System.getenv().getOrDefault("BERTH_TEST_PORT_OFFSET", "10000"));
            builder.environment().put("BERTH_NODES", System.getenv().getOrDefault("BERTH_TEST_NODES", "2"));
            Process process = builder.start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("dev/stack " + String.join(" ", args) + " timed out; see " + log);
            }
            String output = Files.readString(log);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("dev/stack " + String.join(" ", args) + " failed (exit "
                        + process.exitValue() + "):\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Map<String, String> readEnv(Path file) {
        Map<String, String> values = new LinkedHashMap<>();
        if (!Files.exists(file)) {
            return values;
        }
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.isBlank() || line.startsWith("#") || !line.contains("=")) {
                    continue;
                }
                int eq = line.indexOf('=');
                values.put(line.substring(0, eq).trim(), line.substring(eq + 1).trim());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return values;
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
