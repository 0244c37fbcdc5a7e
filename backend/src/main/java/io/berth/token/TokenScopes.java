package io.berth.token;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which scope an API-token request needs, by method and path. Deny by default: a path that is not listed here cannot
 * be used with an API token at all, so a new endpoint stays closed to tokens until it is mapped. Token management and
 * the admin API are never open to tokens (a stolen token must not mint more tokens or act as an admin).
 */
public final class TokenScopes {

    private static final Pattern READABLE = Pattern.compile("^/api/v1/(me|me/credentials|plans|invitations"
            + "|workspaces(/[^/]+(/members|/invitations|/domains|/routes)?)?"
            + "|billing/(balance|ledger|usage|statements|statements/[^/]+|statements/[^/]+/csv))$");
    private static final Pattern WORKSPACE_WRITES = Pattern.compile("^/api/v1/(workspaces(/[^/]+(/transfer"
            + "|/members/[^/]+|/invitations(/[^/]+)?|/domains(/[^/]+(/verify)?)?)?)?|invitations/(accept|decline)|me/credentials/rotate)$");

    private TokenScopes() {
    }

    /** The scope needed, or empty when API tokens may not make this request at all. */
    public static Optional<TokenScope> required(String method, String rawPath) {
        String path = normalize(rawPath);
        if (path.startsWith("/api/v1/me/tokens") || path.startsWith("/api/v1/admin")) {
            return Optional.empty();
        }
        switch (method) {
            case "GET", "HEAD" -> {
                if (path.equals("/api/v1/me/kubeconfig")) {
                    // A kubeconfig is a credential with write access to the workspaces, not something to read.
                    return Optional.of(TokenScope.workspaces);
                }
                return READABLE.matcher(path).matches() ? Optional.of(TokenScope.read) : Optional.empty();
            }
            case "POST", "PUT", "PATCH", "DELETE" -> {
                if (WORKSPACE_WRITES.matcher(path).matches()) {
                    return Optional.of(TokenScope.workspaces);
                }
                if (path.equals("/api/v1/billing/vouchers/redeem")
                        || (method.equals("PATCH") && path.equals("/api/v1/me"))) {
                    return Optional.of(TokenScope.billing);
                }
                return Optional.empty();
            }
            default -> {
                return Optional.empty();
            }
        }
    }

    static String normalize(String path) {
        String p = path == null ? "/" : path;
        if (!p.startsWith("/")) {
            p = "/" + p;
        }
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }
}
