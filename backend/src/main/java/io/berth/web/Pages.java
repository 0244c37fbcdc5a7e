package io.berth.web;

import java.net.URI;

import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.core.Response;

import io.berth.access.Account;
import io.berth.access.CurrentAccount;
import io.berth.common.Problem;
import io.berth.common.ProblemException;
import io.quarkus.security.identity.SecurityIdentity;

/** What console and admin pages share: the caller, the page frame, redirects after posts and form errors. */
@RequestScoped
public class Pages {

    public static final String ADMIN_ROLE = "platform-admin";

    private final CurrentAccount caller;
    private final SecurityIdentity identity;

    Pages(CurrentAccount caller, SecurityIdentity identity) {
        this.caller = caller;
        this.identity = identity;
    }

    public Account account() {
        return caller.get();
    }

    public Shell shell(String section) {
        return new Shell(account().username, identity.hasRole(ADMIN_ROLE), section);
    }

    /** 303 See Other: after a successful post the browser loads the page with GET (no re-post on reload). */
    public static Response seeOther(String path) {
        return Response.seeOther(URI.create(path)).build();
    }

    public static Response seeOther(String path, String done) {
        return seeOther(path + (path.contains("?") ? "&" : "?") + "done=" + done);
    }

    /** How forms name the fields services complain about. */
    private static final java.util.Map<String, String> LABELS = java.util.Map.ofEntries(
            java.util.Map.entry("displayName", "Name"), java.util.Map.entry("invitee", "Invitee"),
            java.util.Map.entry("role", "Role"), java.util.Map.entry("code", "Voucher code"),
            java.util.Map.entry("name", "Name"), java.util.Map.entry("scopes", "Scopes"),
            java.util.Map.entry("expiresAt", "Expiry"), java.util.Map.entry("expiresInDays", "Expiry"),
            java.util.Map.entry("amount", "Amount"), java.util.Map.entry("amountMicro", "Amount"),
            java.util.Map.entry("reason", "Reason"), java.util.Map.entry("planId", "Plan"),
            java.util.Map.entry("count", "Number of codes"), java.util.Map.entry("expires", "Valid until"),
            java.util.Map.entry("accountId", "Member"), java.util.Map.entry("ttlDays", "Valid for"));

    /** A form error shown with the form: the first field the problem names (by its label), or none. */
    public static Flash flash(ProblemException e) {
        Problem p = e.problem();
        String field = p.errors() == null || p.errors().isEmpty() ? null : p.errors().get(0).field();
        String text = field == null
                ? p.detail()
                : LABELS.getOrDefault(field, field) + ": " + p.errors().get(0).message();
        return Flash.error(text, field);
    }

    public static int status(ProblemException e) {
        return e.problem().status();
    }
}
