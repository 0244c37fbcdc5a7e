package io.berth.agent.os;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Runs the OS tools the agent drives (bpftool, tc, ip, nsenter) and times them: their cost is the price of not linking
 * libbpf, so it is exported as {@code berth_agent_command_seconds}.
 */
public class Exec {

    public record Result(int exit, String stdout, String stderr) {
        public boolean ok() {
            return exit == 0;
        }

        /** stderr, else stdout, trimmed: what the tool said about a failure. */
        public String message() {
            String m = stderr.isBlank() ? stdout : stderr;
            return m.strip();
        }
    }

    private static final ExecutorService STREAMS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "berth-exec-io");
        t.setDaemon(true);
        return t;
    });

    private final MeterRegistry registry;
    private final Duration timeout;

    public Exec(MeterRegistry registry, Duration timeout) {
        this.registry = registry;
        this.timeout = timeout;
    }

    public Result run(List<String> command) {
        return run(command, null);
    }

    /** Runs {@code command} with {@code stdin} (may be null); a tool that cannot start gives exit 127. */
    public Result run(List<String> command, String stdin) {
        long start = System.nanoTime();
        try {
            Process process;
            try {
                process = new ProcessBuilder(command).start();
            } catch (IOException e) {
                return new Result(127, "", "cannot run " + command.get(0) + ": " + e.getMessage());
            }
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process.getErrorStream()),
                    STREAMS);
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process.getInputStream()),
                    STREAMS);
            try (OutputStream in = process.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // The tool exited before reading its input; its exit code and stderr tell why.
            }
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                return new Result(124, "", String.join(" ", command) + " did not finish within " + timeout);
            }
            return new Result(process.exitValue(), out.join(), err.join());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(130, "", "interrupted");
        } finally {
            Timer.builder("berth.agent.command").description("Time spent in bpftool, tc, ip and nsenter calls")
                    .tag("command", commandName(command)).register(registry)
                    .record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    private static String commandName(List<String> command) {
        // "nsenter ... tc" is timed as tc-in-pod: the interesting part is what ran inside.
        String first = baseName(command.get(0));
        if (first.equals("nsenter") || first.equals("unshare")) {
            for (String arg : command.subList(1, command.size())) {
                if (!arg.startsWith("-")) {
                    return baseName(arg) + "-in-netns";
                }
            }
        }
        return first;
    }

    private static String baseName(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }

    private static String read(InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
