package io.berth.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The real kubectl built with the control plane, run with a given kubeconfig, as a user would. */
public final class Kubectl {

    private final Path kubeconfig;
    private final String binary;

    private Kubectl(Path kubeconfig) {
        this(kubeconfig, null);
    }

    /** kubectl of another stack than the test stack (the stack scripts' own tests). */
    Kubectl(Path kubeconfig, String binary) {
        this.kubeconfig = kubeconfig;
        this.binary = binary;
    }

    private String binary() {
        return binary != null ? binary : RealStack.get("KUBECTL");
    }

    /** Writes the kubeconfig text to a private temporary file and returns a kubectl that uses it. */
    public static Kubectl withKubeconfig(String kubeconfigText) {
        try {
            Path file = Files.createTempFile("berth-kubeconfig-", ".yaml",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, kubeconfigText);
            file.toFile().deleteOnExit();
            return new Kubectl(file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public record Result(int exit, String stdout, String stderr) {
        public boolean ok() {
            return exit == 0;
        }

        public String output() {
            return stdout + stderr;
        }
    }

    public Result run(String... args) {
        return runWithInput(null, args);
    }

    /** {@code kubectl apply -f -} of the given manifests. */
    public Result apply(String manifests) {
        return runWithInput(manifests, "apply", "-f", "-");
    }

    /** Runs kubectl with {@code stdin} and returns its exit code and output. */
    public Result runWithInput(String stdin, String... args) {
        return run(java.time.Duration.ofSeconds(60), stdin, args);
    }

    /** Runs kubectl allowing it {@code timeout} (benchmarks apply thousands of objects). */
    public Result run(java.time.Duration timeout, String stdin, String... args) {
        return run(timeout, stdin, true, args);
    }

    /**
     * A command that streams for as long as it takes ({@code exec}, {@code logs -f}, {@code port-forward}): no
     * request timeout, only {@code timeout} for the whole command.
     */
    public Result stream(java.time.Duration timeout, String... args) {
        return run(timeout, null, false, args);
    }

    /** Starts a long-running kubectl (port-forward, say) in the background; the caller stops it. */
    public Process background(String... args) {
        List<String> command = new ArrayList<>(List.of(binary(), "--kubeconfig=" + kubeconfig));
        command.addAll(List.of(args));
        try {
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().remove("KUBECONFIG");
            return pb.start();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Result run(java.time.Duration timeout, String stdin, boolean requestTimeout, String... args) {
        List<String> command = new ArrayList<>();
        command.add(binary());
        command.add("--kubeconfig=" + kubeconfig);
        if (requestTimeout) {
            command.add("--request-timeout=" + Math.min(timeout.toSeconds(), 20) + "s");
        }
        command.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("kubectl-out", ".txt");
            Path err = Files.createTempFile("kubectl-err", ".txt");
            ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
            pb.environment().remove("KUBECONFIG");
            Process p = pb.start();
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("kubectl " + String.join(" ", args) + " hung");
            }
            Result r = new Result(p.exitValue(), Files.readString(out), Files.readString(err));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return r;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public Path kubeconfig() {
        return kubeconfig;
    }
}
