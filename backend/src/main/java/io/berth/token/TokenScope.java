package io.berth.token;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** What a personal access token may do. Scopes only narrow what the account itself may do. */
public enum TokenScope {
    /** GET anything the account may read (except kubeconfigs, which are credentials). */
    read,
    /** Change workspaces, members and invitations; download kubeconfigs and rotate the credential. */
    workspaces,
    /** Change billing: redeem vouchers, set the statement time zone. */
    billing;

    public static Set<TokenScope> parse(Iterable<String> names) {
        Set<TokenScope> scopes = EnumSet.noneOf(TokenScope.class);
        if (names != null) {
            for (String n : names) {
                try {
                    scopes.add(TokenScope.valueOf(n.strip().toLowerCase(Locale.ROOT)));
                } catch (RuntimeException e) {
                    throw io.berth.common.ProblemException.badRequest("scopes",
                            "must name only read, workspaces and billing");
                }
            }
        }
        return scopes;
    }
}
