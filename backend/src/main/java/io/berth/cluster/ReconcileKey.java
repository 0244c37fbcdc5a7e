package io.berth.cluster;

import java.util.Optional;
import java.util.UUID;

/**
 * What the reconciler is asked to bring in line: one workspace or one account. On the wire (the NOTIFY payload and the
 * queue) a key is {@code <letter>:<uuid>}, {@code w:} for workspaces and {@code a:} for accounts.
 */
public record ReconcileKey(Kind kind, UUID id) {

    public enum Kind {
        workspace('w'), account('a');

        final char letter;

        Kind(char letter) {
            this.letter = letter;
        }
    }

    public static ReconcileKey workspace(UUID id) {
        return new ReconcileKey(Kind.workspace, id);
    }

    public static ReconcileKey account(UUID id) {
        return new ReconcileKey(Kind.account, id);
    }

    /** The key a text names; empty for anything else (a notification from somewhere else, say). */
    public static Optional<ReconcileKey> parse(String text) {
        if (text == null || text.length() != 38 || text.charAt(1) != ':') {
            return Optional.empty();
        }
        for (Kind kind : Kind.values()) {
            if (kind.letter == text.charAt(0)) {
                try {
                    UUID id = UUID.fromString(text.substring(2));
                    return id.toString().equals(text.substring(2))
                            ? Optional.of(new ReconcileKey(kind, id))
                            : Optional.empty();
                } catch (IllegalArgumentException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return kind.letter + ":" + id;
    }
}
