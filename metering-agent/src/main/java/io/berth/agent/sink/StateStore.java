package io.berth.agent.sink;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import io.berth.agent.os.AtomicFiles;

/**
 * The snapshot of the newest window PostgreSQL has acknowledged ({@code state.json}). Written before the acknowledged
 * segments leave the spool, so that at any moment the newest of (this file, the newest pending segment) is the true
 * state of metering.
 */
public final class StateStore {

    private final Path file;

    public StateStore(Path stateDir) {
        this.file = stateDir.resolve("state.json");
    }

    /** Where metering stands after a (re)start; a first start records now as the start of metering. */
    public Snapshot recover(Spool spool, long now) {
        Snapshot acknowledged = load();
        if (acknowledged == null) {
            acknowledged = Snapshot.empty(now);
            save(acknowledged);
        }
        Snapshot pending = spool.newestPendingSnapshot().orElse(null);
        return pending != null && pending.windowEnd() > acknowledged.windowEnd() ? pending : acknowledged;
    }

    public Snapshot load() {
        if (!Files.exists(file)) {
            return null;
        }
        try {
            return Spool.JSON.readValue(file.toFile(), Snapshot.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Saves {@code snapshot} unless the file already holds a newer one. */
    public synchronized void save(Snapshot snapshot) {
        try {
            Snapshot current = load();
            if (current != null && current.windowEnd() > snapshot.windowEnd()) {
                return;
            }
            Files.createDirectories(file.getParent());
            AtomicFiles.write(file, Spool.JSON.writeValueAsBytes(snapshot));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
