package io.berth.web;

import java.util.Map;

/**
 * A message for the next page: after a form post the browser is redirected with {@code ?done=<key>} and the page shows
 * the fixed sentence for the key (never text from the URL). Errors are rendered directly with the form.
 */
public record Flash(String kind, String text, String field) {

    private static final Map<String, String> DONE = Map.ofEntries(Map.entry("created", "Workspace created."),
            Map.entry("renamed", "Workspace renamed."), Map.entry("deleted", "Workspace deleted."),
            Map.entry("role", "Role changed."), Map.entry("removed", "Member removed."),
            Map.entry("left", "You left the workspace."), Map.entry("transferred", "Ownership transferred."),
            Map.entry("revoked", "Invitation revoked."), Map.entry("joined", "Welcome: you joined the workspace."),
            Map.entry("declined", "Invitation declined."), Map.entry("rotated", "Credential rotated: every earlier "
                    + "kubeconfig has stopped working. Download a new one."),
            Map.entry("token-revoked", "Token revoked."), Map.entry("adjusted", "Balance adjusted."),
            Map.entry("suspended", "Account suspended."), Map.entry("resumed", "Account resumed."),
            Map.entry("plan", "Plan changed."), Map.entry("credentials", "Credentials and API tokens revoked."),
            Map.entry("saved", "Plan saved."), Map.entry("domain-added", "Domain added: create its TXT record, then "
                    + "verify."),
            Map.entry("domain-verified", "Domain verified: routes of this workspace may use it."),
            Map.entry("domain-deleted", "Domain deleted."),
            Map.entry("welcome", "Welcome to Berth! Your personal workspace is "
                    + "being set up."));

    public static Flash done(String key) {
        String text = key == null ? null : DONE.get(key);
        return text == null ? null : new Flash("success", text, null);
    }

    public static Flash error(String text, String field) {
        return new Flash("error", text, field);
    }

    public static Flash info(String text) {
        return new Flash("info", text, null);
    }

    public boolean error() {
        return kind.equals("error");
    }

    public boolean on(String f) {
        return field != null && field.equals(f);
    }
}
