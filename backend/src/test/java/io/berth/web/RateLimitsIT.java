package io.berth.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.FormData;
import com.microsoft.playwright.options.RequestOptions;

import io.berth.Tenant;
import io.berth.e2e.Browser;
import io.berth.testing.RealStack;
import io.berth.testing.RealStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The rate limits answer 429 with Retry-After once a caller has used up its limit (problem+json on the API, a page
 * on the console); an account has one budget per limit, however it comes (API or console), and anonymous visitors
 * one per client address.
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class RateLimitsIT {

    @Test
    void guessingVoucherCodesIsCutOff() {
        Tenant guesser = Tenant.signUp("rl-guess");
        for (int i = 0; i < 10; i++) {
            guesser.api().body(Map.of("code", "NOPE" + i)).post("/api/v1/billing/vouchers/redeem").then()
                    .statusCode(404);
        }
        guesser.api().body(Map.of("code", "NOPE-MORE")).post("/api/v1/billing/vouchers/redeem").then()
                .statusCode(429).contentType("application/problem+json").header("Retry-After", notNullValue())
                .body("status", equalTo(429)).body("type", equalTo("https://berth.dev/problems/rate-limited"));
        // Limits are per caller: someone else is not affected.
        Tenant other = Tenant.signUp("rl-other");
        other.api().body(Map.of("code", "NOPE")).post("/api/v1/billing/vouchers/redeem").then().statusCode(404);
    }

    @Test
    void guessingInvitationTokensIsCutOff() {
        Tenant guesser = Tenant.signUp("rl-invite");
        for (int i = 0; i < 20; i++) {
            guesser.api().body(Map.of("token", "guess-" + i)).post("/api/v1/invitations/accept").then()
                    .statusCode(404);
        }
        guesser.api().body(Map.of("token", "guess-more")).post("/api/v1/invitations/accept").then().statusCode(429)
                .header("Retry-After", notNullValue());
    }

    @Test
    void theApiAndTheConsoleSpendOneBudgetPerAccount() {
        Tenant guesser = Tenant.signUp("rl-both");
        String base = RealStack.get("BERTH_URL");
        // Half of the voucher limit (10 an hour) through the API...
        for (int i = 0; i < 5; i++) {
            guesser.api().body(Map.of("code", "API-" + i)).post("/api/v1/billing/vouchers/redeem").then()
                    .statusCode(404);
        }
        try (Browser browser = Browser.start(); Browser.Session session = browser.open()) {
            Page page = session.page;
            page.navigate(base + "/console/billing");
            page.locator("#username").fill(guesser.user.username());
            page.locator("#password").fill(guesser.user.password());
            page.locator("#kc-login").click();
            page.waitForURL(Pattern.compile("^" + Pattern.quote(base) + "/console/billing.*"));
            String csrf = page.locator("meta[name=csrf-token]").getAttribute("content");
            // ...and the other half through the console's form, in the same signed-in session.
            for (int i = 0; i < 5; i++) {
                APIResponse tried = redeemOnPage(page, base, csrf, "PAGE-" + i);
                assertThat(tried.status()).as("page try %d", i).isEqualTo(404);
            }
            // The next one is refused both ways.
            APIResponse page429 = redeemOnPage(page, base, csrf, "PAGE-MORE");
            assertThat(page429.status()).isEqualTo(429);
            assertThat(page429.headers()).containsKey("retry-after");
            assertThat(page429.text()).contains("Slow down");
        }
        guesser.api().body(Map.of("code", "API-MORE")).post("/api/v1/billing/vouchers/redeem").then().statusCode(429)
                .contentType("application/problem+json").header("Retry-After", notNullValue())
                .body("type", equalTo("https://berth.dev/problems/rate-limited"));
    }

    private static APIResponse redeemOnPage(Page page, String base, String csrf, String code) {
        return page.request().post(base + "/console/billing/vouchers", RequestOptions.create()
                .setForm(FormData.create().set("code", code).set("_csrf", csrf)).setMaxRedirects(0));
    }

    @Test
    void theSignUpLimitFiresForAnonymousVisitorsPerClientAddress() throws Exception {
        URI backend = URI.create(RealStack.get("BERTH_URL"));
        // Loopback addresses of their own, so the limit of the browser tests' 127.0.0.1 is left alone.
        InetAddress visitor = InetAddress.getByName("127.0.0.2");
        InetAddress neighbour = InetAddress.getByName("127.0.0.3");
        for (int i = 0; i < 30; i++) {
            String answer = get(visitor, backend, "/signup");
            // Sent on to Keycloak's registration form.
            assertThat(answer).as("sign-up start %d", i).matches("(?s)HTTP/1.1 30[23] .*")
                    .containsPattern("(?i)location: [^\r\n]*/realms/berth/[^\r\n]*prompt=create");
        }
        String refused = get(visitor, backend, "/signup");
        assertThat(refused).startsWith("HTTP/1.1 429").containsPattern("(?i)retry-after: \\d+").contains("Slow down")
                .doesNotContainPattern("(?i)location:");
        // Another address still signs up.
        assertThat(get(neighbour, backend, "/signup")).matches("(?s)HTTP/1.1 30[23] .*");
    }

    /** A plain HTTP/1.1 GET from a chosen local address (the JDK's HttpClient cannot pick one), head only. */
    private static String get(InetAddress from, URI backend, String path) {
        try (Socket socket = new Socket()) {
            socket.bind(new InetSocketAddress(from, 0));
            // The backend under test listens on localhost, 127.0.0.1.
            socket.connect(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), backend.getPort()), 5_000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + backend.getHost() + ":" + backend.getPort()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
