package io.berth.testing;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Tokens from the stack's real Keycloak, through the dev-only password-grant client. */
public final class Keycloak {

    private static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Keycloak() {
    }

    public static String accessToken(String username, String password) {
        String url = RealStack.get("KEYCLOAK_URL") + "/realms/" + RealStack.get("KEYCLOAK_REALM")
                + "/protocol/openid-connect/token";
        String form = "grant_type=password&client_id=" + enc(RealStack.get("DEV_CLI_CLIENT")) + "&username="
                + enc(username) + "&password=" + enc(password) + "&scope=openid";
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(url))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
            Matcher m = ACCESS_TOKEN.matcher(response.body());
            if (response.statusCode() != 200 || !m.find()) {
                throw new IllegalStateException("Keycloak refused a token for " + username + ": "
                        + response.statusCode() + " " + response.body());
            }
            return m.group(1);
        } catch (IOException e) {
            throw new IllegalStateException("Keycloak unreachable at " + url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A new user of the realm, as self-registration would make it (default roles), with a verified e-mail. */
    public static TestUser createUser(String username) {
        String email = username + "@example.test";
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
