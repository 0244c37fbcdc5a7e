package io.berth.workspace;

import io.berth.common.ProblemException;

/** Rules for the names people give to workspaces. */
final class WorkspaceNames {

    static final int MAX_DISPLAY_NAME = 63;

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

    static String truncate(String name) {
        return name.length() <= MAX_DISPLAY_NAME ? name : name.substring(0, MAX_DISPLAY_NAME);
    }
}
