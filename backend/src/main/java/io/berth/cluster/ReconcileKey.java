package io.berth.cluster;

import java.util.UUID;

/** Keys of the reconcile queue: {@code w:<workspace id>} or {@code a:<account id>}. */
public final class ReconcileKey {

    private ReconcileKey() {
    }

    public static String workspace(UUID id) {
        return "w:" + id;
    }

    public static String account(UUID id) {
        return "a:" + id;
    }

    private static final java.util.regex.Pattern FORM = java.util.regex.Pattern
            .compile("^[a-z]:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$");

    public static boolean isValid(String key) {
        return key != null && FORM.matcher(key).matches();
    }

    public static boolean isWorkspace(String key) {
        return key.startsWith("w:");
    }

    public static boolean isAccount(String key) {
        return key.startsWith("a:");
    }

    public static UUID id(String key) {
        return UUID.fromString(key.substring(2));
    }
}
