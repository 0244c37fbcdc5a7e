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
