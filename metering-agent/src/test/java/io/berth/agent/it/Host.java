package io.berth.agent.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs host commands (ip, tc, nsenter) for test setup; a failure is an error with the tool's own words. */
final class Host {

    record Out(int exit, String out, String err) {
        boolean ok() {
            return exit == 0;
        }
    }

    private Host() {
    }

    static Out exec(List<String> command) {
        try {
            Path out = Files.createTempFile("host-out", ".txt");
            Path err = Files.createTempFile("host-err", ".txt");
            Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " hung");
            }
            Out o = new Out(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return o;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs and returns stdout; fails the test with stderr if the command fails. */
    static String run(String... command) {
        Out o = exec(List.of(command));
        if (!o.ok()) {
            throw new IllegalStateException(String.join(" ", command) + " failed (" + o.exit() + "): " + o.err()
                    + o.out());
        }
        return o.out();
    }

    /** For cleanup: failures (already gone) are fine. */
    static void quiet(String... command) {
        exec(List.of(command));
    }

    /** Runs {@code command} inside the network namespace {@code netns} (by name, under /var/run/netns). */
    static String inNetns(String netns, String... command) {
        List<String> full = new ArrayList<>(List.of("nsenter", "--net=/var/run/netns/" + netns, "--"));
        full.addAll(List.of(command));
        return run(full.toArray(String[]::new));
    }

    static String python() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    static void write(Path file, String value) {
        try {
            Files.writeString(file, value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + value + " to " + file, e);
        }
    }
}
