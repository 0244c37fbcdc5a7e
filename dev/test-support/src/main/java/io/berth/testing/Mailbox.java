package io.berth.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The stack's real mail sink ({@code dev/lib/mail-sink.py}): the messages Keycloak and the backend sent over SMTP,
 * one {@code .eml} file each in {@code MAIL_DIR/new}. Which messages went to whom is read from the files' envelope
 * ({@code Delivered-To}); their links are decoded by {@code dev/mail}, the same viewer a developer uses.
 */
public final class Mailbox {

    private Mailbox() {
    }

    /** The messages delivered to this address, oldest first. */
    public static List<Path> to(String address) {
        Path inbox = Path.of(RealStack.get("MAIL_DIR"), "new");
        if (!Files.isDirectory(inbox)) {
            return List.of();
        }
        String wanted = address.toLowerCase(Locale.ROOT);
        try (Stream<Path> files = Files.list(inbox)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".eml")).sorted()
                    .filter(p -> recipients(p).contains(wanted)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Waits until more than {@code seenBefore} messages have been delivered to the address, and returns the links of
     * the newest one that contain {@code containing}; fails after {@code timeout}.
     */
    public static List<String> awaitLinks(String address, int seenBefore, String containing, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (to(address).size() <= seenBefore) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no new mail to " + address + " within " + timeout + " (had " + seenBefore
                        + "); the sink's log is " + RealStack.state().resolve("logs/mail.log"));
            }
            sleep(200);
        }
        List<String> links = new ArrayList<>();
        for (String line : devMail("links", "last", "--to", address).split("\n")) {
            if (line.contains(containing)) {
                links.add(line.strip());
            }
        }
        if (links.isEmpty()) {
            throw new AssertionError("the newest mail to " + address + " has no link with " + containing + ":\n"
                    + devMail("show", "last", "--to", address));
        }
        return links;
    }

    /** The newest message to the address as {@code dev/mail show} prints it: headers and text. */
    public static String newest(String address) {
        return devMail("show", "last", "--to", address);
    }

    private static List<String> recipients(Path eml) {
        List<String> to = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(eml, StandardCharsets.UTF_8)) {
                if (line.isEmpty()) {
                    break; // end of the headers
                }
                if (line.regionMatches(true, 0, "Delivered-To:", 0, 13)) {
                    to.add(line.substring(13).strip().toLowerCase(Locale.ROOT));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return to;
    }

    private static String devMail(String... args) {
        List<String> command = new ArrayList<>(List.of(RealStack.root().resolve("dev/mail").toString()));
        command.addAll(List.of(args));
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
            builder.environment().put("BERTH_STATE", RealStack.state().toString());
            Process p = builder.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("dev/mail " + String.join(" ", args) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
