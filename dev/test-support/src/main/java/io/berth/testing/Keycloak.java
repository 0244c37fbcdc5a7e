package io.berth.testing;

import java.io.IOException;
import java.net.CookieHandler;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Users and tokens of the stack's real Keycloak, whose realm verifies e-mail addresses ({@code verifyEmail}) and
 * mails through the stack's sink ({@link Mailbox}).
 * <p>
 * Two ways to a verified address, on purpose: {@link #createUser} makes the user through the admin API with
 * {@code emailVerified: true}, for tests where the user is only set-up; {@link #verifyThroughMail} has Keycloak mail
 * the verification link and opens it, for tests where verification is the point (sign-up in the browser tests
 * follows the link from the mail too). Tokens come from the dev-only password-grant client.
 */
public final class Keycloak {

    private static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern REFRESH_TOKEN = Pattern.compile("\"refresh_token\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");
    /** The link of Keycloak's "confirm validity of e-mail address" page, in its HTML. */
    private static final Pattern PROCEED = Pattern.compile("href=\"([^\"]*login-actions/action-token[^\"]*)\"");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Keycloak() {
    }

    public static String accessToken(String username, String password) {
        return tokens(username, password).access();
    }

    /** An access token and the refresh token of its session. */
    public record Tokens(String access, String refresh) {
    }

    /** Logs in with the password grant: a session of the user, as a signed-in browser or CLI holds one. */
    public static Tokens tokens(String username, String password) {
        return tokenRequest(username, "grant_type=password&client_id=" + enc(RealStack.get("DEV_CLI_CLIENT"))
                + "&username=" + enc(username) + "&password=" + enc(password) + "&scope=openid");
    }

    /** New tokens for a session: they carry the user's claims as they are now (a changed or verified e-mail). */
    public static Tokens refresh(Tokens session) {
        return tokenRequest("a session", "grant_type=refresh_token&client_id=" + enc(RealStack.get("DEV_CLI_CLIENT"))
                + "&refresh_token=" + enc(session.refresh()));
    }

    private static Tokens tokenRequest(String username, String form) {
        String url = RealStack.get("KEYCLOAK_URL") + "/realms/" + RealStack.get("KEYCLOAK_REALM")
                + "/protocol/openid-connect/token";
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            Matcher m = ACCESS_TOKEN.matcher(response.body());
            Matcher r = REFRESH_TOKEN.matcher(response.body());
            if (response.statusCode() != 200 || !m.find()) {
                throw new IllegalStateException("Keycloak refused a token for " + username + ": "
                        + response.statusCode() + " " + response.body());
            }
            return new Tokens(m.group(1), r.find() ? r.group(1) : null);
        } catch (IOException e) {
            throw new IllegalStateException("Keycloak unreachable at " + url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * A new user of the realm, as self-registration would make it (default roles), with an e-mail address marked
     * verified through the admin API: for tests where the user is only set-up.
     */
    public static TestUser createUser(String username) {
        return createUser(username, username + "@example.test");
    }

    /** {@link #createUser(String)} with an address of the caller's choosing. */
    public static TestUser createUser(String username, String email) {
        String password = "pw-" + username + "-" + Long.toHexString(System.nanoTime());
        String body = "{\"username\":\"" + username + "\",\"email\":\"" + email + "\",\"enabled\":true,"
                + "\"emailVerified\":true,\"firstName\":\"Test\",\"lastName\":\"User\","
                + "\"credentials\":[{\"type\":\"password\",\"value\":\"" + password + "\",\"temporary\":false}]}";
        String url = RealStack.get("KEYCLOAK_URL") + "/admin/realms/" + RealStack.get("KEYCLOAK_REALM") + "/users";
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", "Bearer " + masterAdminToken())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 201) {
                throw new IllegalStateException("creating user " + username + " failed: " + response.statusCode()
                        + " " + response.body());
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return new TestUser(username, email, password);
    }

    /**
     * Sets another e-mail address on the user, unverified: what Keycloak's account console does when the user edits
     * their address (done here through the admin API, which the dev-only CLI client's tokens cannot reach otherwise).
     */
    public static TestUser changeEmail(TestUser user, String email) {
        admin("PUT", "/users/" + userId(user.username()), "{\"email\":\"" + email + "\",\"emailVerified\":false}",
                204);
        return new TestUser(user.username(), email, user.password());
    }

    /** Whether Keycloak holds the user's address as verified. */
    public static boolean emailVerified(TestUser user) {
        String body = admin("GET", "/users/" + userId(user.username()), null, 200);
        return body.matches("(?s).*\"emailVerified\"\\s*:\\s*true.*");
    }

    /**
     * Verifies the user's address the way a person does: Keycloak mails its verification link to the stack's sink,
     * the link is taken from the mail and opened (and Keycloak's "confirm validity of e-mail address" page confirmed,
     * when it asks). Fails if no mail arrives or Keycloak does not hold the address as verified afterwards.
     */
    public static void verifyThroughMail(TestUser user) {
        int before = Mailbox.to(user.email()).size();
        admin("PUT", "/users/" + userId(user.username()) + "/send-verify-email", null, 204);
        String link = Mailbox.awaitLinks(user.email(), before, "/login-actions/action-token", Duration.ofSeconds(60))
                .get(0);
        // A browser of its own: the link is opened where no login of the user is going on, as from a mail client.
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieJar())
                .followRedirects(HttpClient.Redirect.NORMAL).build();
        String page = get(browser, link);
        Matcher proceed = PROCEED.matcher(page);
        if (!emailVerified(user) && proceed.find()) {
            page = get(browser, proceed.group(1).replace("&amp;", "&"));
        }
        // Keycloak ends on an info page ("Your account has been updated"); what counts is what it holds now.
        if (!emailVerified(user)) {
            throw new IllegalStateException("Keycloak did not verify " + user.email() + " through the link " + link
                    + ":\n" + page);
        }
    }

    /**
     * The cookies of one host, sent back as a browser on localhost would: the JDK's CookieManager withholds
     * {@code Secure} cookies over plain HTTP, which browsers send to localhost (a secure context).
     */
    private static final class CookieJar extends CookieHandler {
        private final Map<String, String> cookies = new LinkedHashMap<>();

        @Override
        public synchronized Map<String, List<String>> get(URI uri, Map<String, List<String>> headers) {
            if (cookies.isEmpty()) {
                return Map.of();
            }
            StringBuilder header = new StringBuilder();
            cookies.forEach((name, value) -> header.append(header.length() == 0 ? "" : "; ").append(name)
                    .append('=').append(value));
            return Map.of("Cookie", List.of(header.toString()));
        }

        @Override
        public synchronized void put(URI uri, Map<String, List<String>> headers) {
            headers.forEach((name, values) -> {
                if ("set-cookie".equalsIgnoreCase(name)) {
                    for (String v : values) {
                        String pair = v.split(";", 2)[0];
                        int eq = pair.indexOf('=');
                        if (eq <= 0) {
                            continue;
                        }
                        String cookie = pair.substring(0, eq).strip();
                        if (v.toLowerCase(Locale.ROOT).contains("max-age=0")) {
                            cookies.remove(cookie); // the server deletes it
                        } else {
                            cookies.put(cookie, pair.substring(eq + 1).strip());
                        }
                    }
                }
            });
        }
    }

    private static String get(HttpClient client, String url) {
        try {
            return client.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String userId(String username) {
        String body = admin("GET", "/users?exact=true&username=" + enc(username), null, 200);
        Matcher m = ID.matcher(body);
        if (!m.find()) {
            throw new IllegalStateException("no Keycloak user " + username + ": " + body);
        }
        return m.group(1);
    }

    /** A call of the realm's admin API as the master realm's admin; fails unless it answers {@code expected}. */
    private static String admin(String method, String path, String json, int expected) {
        String url = RealStack.get("KEYCLOAK_URL") + "/admin/realms/" + RealStack.get("KEYCLOAK_REALM") + path;
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                    .header("Authorization", "Bearer " + masterAdminToken())
                    .method(method, json == null
                            ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(json));
            if (json != null) {
                request.header("Content-Type", "application/json");
            }
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != expected) {
                throw new IllegalStateException(method + " " + path + ": " + response.statusCode() + " "
                        + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public record TestUser(String username, String email, String password) {
        public String token() {
            return accessToken(username, password);
        }
    }

    private static String masterAdminToken() throws IOException, InterruptedException {
        String url = RealStack.get("KEYCLOAK_URL") + "/realms/master/protocol/openid-connect/token";
        String form = "grant_type=password&client_id=admin-cli&username=" + enc(RealStack.get("KEYCLOAK_ADMIN_USER"))
                + "&password=" + enc(RealStack.get("KEYCLOAK_ADMIN_PASSWORD"));
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = ACCESS_TOKEN.matcher(response.body());
        if (!m.find()) {
            throw new IllegalStateException("no master admin token: " + response.body());
        }
        return m.group(1);
    }

    public static String demoUserToken() {
        return accessToken(RealStack.get("DEMO_USER"), RealStack.get("DEMO_PASSWORD"));
    }

    public static String demoAdminToken() {
        return accessToken(RealStack.get("DEMO_ADMIN"), RealStack.get("DEMO_ADMIN_PASSWORD"));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
