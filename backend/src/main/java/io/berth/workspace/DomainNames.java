package io.berth.workspace;

import java.net.URI;
import java.util.Locale;
import java.util.regex.Pattern;

import io.berth.common.ProblemException;

/**
 * What a custom domain and its certificate Secret may be named. A domain is an exact DNS name of at least two labels
 * (no wildcard: each name is verified on its own), not the apps domain or under it (those names are the workspaces'
 * suffixes) and not the portal's host.
 */
final class DomainNames {

    static final String CHALLENGE_PREFIX = "_berth-challenge.";
    static final String CHALLENGE_VALUE_PREFIX = "berth-verify=";

    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern SECRET = Pattern.compile(
            "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private DomainNames() {
    }

    /** The domain in its stored form (lower case, no trailing dot), or a 400 naming the field and what is wrong. */
    static String domain(String raw, String appsDomain, String portalUrl) {
        if (raw == null || raw.isBlank()) {
            throw ProblemException.badRequest("domain", "is required: a DNS name such as shop.example.com");
        }
        String d = raw.strip().toLowerCase(Locale.ROOT);
        if (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        if (d.length() > 253) {
            throw ProblemException.badRequest("domain", "must be at most 253 characters long");
        }
        if (d.contains("*")) {
            throw ProblemException.badRequest("domain",
                    "must be an exact name, not a wildcard: add and verify each name (shop.example.com, "
                            + "www.shop.example.com) on its own");
        }
        String[] labels = d.split("\\.", -1);
        if (labels.length < 2) {
            throw ProblemException.badRequest("domain", "must have at least two labels, such as shop.example.com");
        }
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                throw ProblemException.badRequest("domain", "must be a DNS name: labels of 1 to 63 letters a-z, "
                        + "digits and '-' (not first or last), separated by dots");
            }
        }
        if (labels[labels.length - 1].chars().allMatch(Character::isDigit)) {
            throw ProblemException.badRequest("domain", "must be a DNS name, not an IP address");
        }
        String apps = appsDomain.toLowerCase(Locale.ROOT);
        if (d.equals(apps) || d.endsWith("." + apps)) {
            throw ProblemException.badRequest("domain", "names under " + apps + " are workspaces' own hosts "
                    + "(this workspace's are under its suffix and need no verification); add a domain of yours");
        }
        String portal = portalHost(portalUrl);
        if (d.equals(portal)) {
            throw ProblemException.badRequest("domain", "is the portal's host");
        }
        return d;
    }

    /** A Secret name of the workspace's namespace (DNS-1123 subdomain), not one of the platform's (berth-...). */
    static String tlsSecretName(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String s = raw.strip();
        if (s.length() > 253 || !SECRET.matcher(s).matches()) {
            throw ProblemException.badRequest("tlsSecretName", "must be the name of a kubernetes.io/tls Secret in "
                    + "the workspace's namespace: lower-case letters, digits, '-' and '.', at most 253 characters");
        }
        if (s.startsWith("berth-")) {
            throw ProblemException.badRequest("tlsSecretName", "names starting with berth- are the platform's; "
                    + "name your own Secret");
        }
        return s;
    }

    /** The TXT record's name that proves control of the domain. */
    static String challengeName(String domain) {
        return CHALLENGE_PREFIX + domain;
    }

    static String challengeValue(String token) {
        return CHALLENGE_VALUE_PREFIX + token;
    }

    static String portalHost(String portalUrl) {
        try {
            String host = URI.create(portalUrl).getHost();
            return host == null ? "" : host.toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }
}
