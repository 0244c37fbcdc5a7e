package io.berth.agent.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

import io.berth.testing.RealStack;

/** Benchmark output: printed, and appended to bench/metering/results/&lt;name&gt;.txt. */
final class BenchReport {

    private final Path file;

    BenchReport(String name) {
        this.file = RealStack.root().resolve("bench/metering/results").resolve(name + ".txt");
        line("# " + name + " at " + Instant.now() + " on " + machine());
    }

    void line(String text) {
        System.out.println("[bench] " + text);
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String machine() {
        String cpu = Host.run("sh", "-c", "lscpu | sed -n 's/^Model name: *//p' | head -1").strip();
        String mem = Host.run("sh", "-c", "awk '/MemTotal/ {printf \"%.0f GiB\", $2/1048576}' /proc/meminfo");
        return Runtime.getRuntime().availableProcessors() + " cores " + cpu + ", " + mem + ", kernel "
                + Host.run("uname", "-r").strip();
    }
}
