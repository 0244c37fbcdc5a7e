package io.berth.agent.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged agent (target/quarkus-app/quarkus-run.jar) run as its own process, as on a node: so that SIGKILL is a
 * real SIGKILL and a restart is a real restart.
 */
final class AgentProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final Path log;
    final int port;
    private final Map<String, String> settings;
    private final Map<String, String> env;
    private List<String> jvmOptions = List.of("-XX:+UseSerialGC", "-Xmx128m", "-XX:TieredStopAtLevel=1");
    private Process process;

    AgentProcess(Path log, Map<String, String> settings, Map<String, String> env) {
        this.log = log;
        this.port = freePort();
        this.settings = new LinkedHashMap<>(settings);
        this.settings.put("quarkus.http.port", Integer.toString(port));
        this.env = env;
    }

    static Path jar() {
        Path jar = Path.of(System.getProperty("agent.jar", "target/quarkus-app/quarkus-run.jar"));
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " missing: run the ITs after `package` (mvn verify)");
        }
        return jar;
    }

    List<String> command() {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> c = new ArrayList<>(List.of(java));
        c.addAll(jvmOptions);
        settings.forEach((k, v) -> c.add("-D" + k + "=" + v));
        c.addAll(List.of("-jar", jar().toString()));
        return c;
    }

    /** The JVM options (tests: small and quick to start; benchmarks: those of the DaemonSet). */
    void jvmOptions(List<String> options) {
        this.jvmOptions = List.copyOf(options);
    }

    /** Starts the agent and waits until it reports ready. */
    AgentProcess start() {
        launch();
        await(Duration.ofSeconds(90), () -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("agent exited with " + process.exitValue() + ":\n" + tail());
            }
            return status("/q/health/ready") == 200;
        }, "agent ready");
        return this;
    }

    private void launch() {
        try {
            Files.createDirectories(log.getParent());
            ProcessBuilder b = new ProcessBuilder(command()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            b.environment().putAll(env);
            process = b.start();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs the agent expecting it to refuse to start; returns its exit code (its output is in the log). */
    int runToExit(Duration timeout) {
        launch();
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException("agent did not exit within " + timeout + ":\n" + tail());
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGKILL: no shutdown hook, no flush, nothing. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process != null && process.isAlive();
    }

    int status(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    String get(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The value of a Prometheus sample, e.g. metric("berth_agent_spool_segments"), summed over its labels. */
    double metric(String name) {
        double sum = 0;
        boolean found = false;
        // The name may carry labels to match, e.g. jvm_memory_used_bytes{area="heap"}
        String base = name.contains("{") ? name.substring(0, name.indexOf('{')) : name;
        String labels = name.contains("{") ? name.substring(name.indexOf('{') + 1, name.length() - 1) : "";
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(base) + "(\\{[^}]*\\})? ([0-9.eE+-]+|NaN)$")
                .matcher(get("/q/metrics"));
        while (m.find()) {
            if (!labels.isEmpty() && (m.group(1) == null || !m.group(1).contains(labels))) {
                continue;
            }
            found = true;
            sum += Double.parseDouble(m.group(2));
        }
        return found ? sum : Double.NaN;
    }

    String tail() {
        try {
            String all = Files.exists(log) ? Files.readString(log) : "";
            return all.length() < 6000 ? all : all.substring(all.length() - 6000);
        } catch (IOException e) {
            return "";
        }
    }

    String fullLog() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Waits until the agent has closed two more windows and sent everything. */
    void settle() {
        double closed = metric("berth_agent_windows_closed_total");
        await(Duration.ofSeconds(30),
                () -> metric("berth_agent_windows_closed_total") >= closed + 2
                        && metric("berth_agent_spool_segments") == 0,
                "two more windows closed and sent");
    }

    void awaitLog(String regex) {
        awaitLogAfter(0, regex);
    }

    /** Waits for a line matching {@code regex} in the log after its first {@code mark} characters (a fullLog length). */
    void awaitLogAfter(int mark, String regex) {
        java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(regex);
        await(Duration.ofSeconds(30), () -> pattern.matcher(fullLog()).region(mark, fullLog().length()).find(),
                "log line /" + regex + "/");
    }

    static void await(Duration timeout, BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            TestPod.sleep(200);
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
