package io.berth.workspace;

import java.util.random.RandomGenerator;

import io.berth.common.ProblemException;

/** Rules for the names of workspaces: the display names people give them, and the namespaces Berth gives them. */
final class WorkspaceNames {

    static final int MAX_DISPLAY_NAME = 63;
    private static final char[] NAMESPACE_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private WorkspaceNames() {
    }

    /** A display name as given, trimmed; 400 naming {@code field} when empty, too long or holding control characters. */
    static String displayName(String raw, String field) {
        if (raw == null || raw.isBlank()) {
            throw ProblemException.badRequest(field, "must not be blank");
        }
        String name = raw.strip();
        if (name.codePointCount(0, name.length()) > MAX_DISPLAY_NAME) {
            throw ProblemException.badRequest(field, "must be at most " + MAX_DISPLAY_NAME + " characters");
        }
        if (name.codePoints().anyMatch(Character::isISOControl)) {
            throw ProblemException.badRequest(field, "must not contain control characters");
        }
        return name;
    }

    /** A name Berth made (the personal workspace's, from the username) cut to the longest a display name may be. */
    static String truncate(String name) {
        return name.length() <= MAX_DISPLAY_NAME ? name : name.substring(0, MAX_DISPLAY_NAME);
    }

    /** A DNS-1123 label the user never chooses: {@code ws-} and 10 random characters (36^10 names). */
    static String newNamespace(RandomGenerator random) {
        StringBuilder sb = new StringBuilder("ws-");
        for (int i = 0; i < 10; i++) {
            sb.append(NAMESPACE_ALPHABET[random.nextInt(NAMESPACE_ALPHABET.length)]);
        }
        return sb.toString();
    }
}
