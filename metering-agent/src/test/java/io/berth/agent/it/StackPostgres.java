package io.berth.agent.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import io.berth.testing.RealStack;

/**
 * Stops and starts the test stack's real PostgreSQL, the way dev/stack does: a fast shutdown with pg_ctl as the
 * postgres user, and {@code dev/stack up --no-backend} to bring it back (it starts only what is not running).
 */
final class StackPostgres {

    private StackPostgres() {
    }

    static void stop() {
        Path data = RealStack.state().resolve("postgres");
        List<String> command = List.of("runuser", "-u", "postgres", "--", pgCtl(), "-D", real(data).toString(),
                "stop", "-m", "fast", "-w");
        Host.Out o = Host.exec(command);
        if (!o.ok()) {
            throw new IllegalStateException("pg_ctl stop failed: " + o.err() + o.out());
        }
        AgentProcess.await(java.time.Duration.ofSeconds(30), () -> !listening(), "PostgreSQL down");
    }

    static void start() {
        RealStack.ensureUp();
    }

    static boolean listening() {
        URI uri = URI.create(AgentDb.url().substring("jdbc:".length()));
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String pgCtl() {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin/pg_ctl")).filter(Files::isExecutable)
                    .max(Comparator.comparing(Path::toString)).orElseThrow().toString();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
