package io.berth.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The stack's real test DNS ({@code dev/lib/dns.sh}: CoreDNS serving {@code DNS_ZONE} on {@code DNS_ADDR}), edited
 * through {@code dev/dns}, the same script a developer uses, which returns once the server answers the change.
 */
public final class TestDns {

    private TestDns() {
    }

    /** The zone the server is authoritative for (example.test). */
    public static String zone() {
        return RealStack.get("DNS_ZONE");
    }

    /** Sets name's TXT record to value and waits until the server answers it. */
    public static void addTxt(String name, String value) {
        run("add-txt", name, value);
    }

    /** Removes name's records and waits until the server no longer answers them. */
    public static void remove(String name) {
        run("remove", name);
    }

    private static void run(String... args) {
        RealStack.env();
        List<String> command = new ArrayList<>();
        command.add(RealStack.root().resolve("dev/dns").toString());
        command.addAll(List.of(args));
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("BERTH_STATE", RealStack.state().toString());
            builder.environment().put("BERTH_PORT_OFFSET",
                    System.getenv().getOrDefault("BERTH_TEST_PORT_OFFSET", "10000"));
            builder.environment().put("BERTH_DNS_ZONE", zone());
            Process process = builder.start();
            process.getOutputStream().close();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("dev/dns " + String.join(" ", args) + " timed out");
            }
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("dev/dns " + String.join(" ", args) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
