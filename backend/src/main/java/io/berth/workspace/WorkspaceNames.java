package io.berth.workspace;

import java.util.random.RandomGenerator;

import io.berth.common.PrintableText;

/** Rules for the names of workspaces: the display names people give them, and the namespaces Berth gives them. */
final class WorkspaceNames {

    static final int MAX_DISPLAY_NAME = 63;
    private static final char[] NAMESPACE_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private WorkspaceNames() {
    }

    /**
     * A display name as given, trimmed; 400 naming {@code field} when empty, too long or holding a character that does
     * not print (the rule of every user-supplied name, {@link PrintableText}).
     */
    static String displayName(String raw, String field) {
        return PrintableText.name(raw, field, MAX_DISPLAY_NAME);
    }

    /**
     * A name Berth made (the personal workspace's, from the username, which Keycloak controls) without what does not
     * print, cut to the longest a display name may be; cut by characters, never inside a surrogate pair.
     */
    static String truncate(String name) {
        String printable = PrintableText.strip(name);
        if (printable.codePointCount(0, printable.length()) <= MAX_DISPLAY_NAME) {
            return printable;
        }
        return printable.substring(0, printable.offsetByCodePoints(0, MAX_DISPLAY_NAME));
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
