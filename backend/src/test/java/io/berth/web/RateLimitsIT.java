package io.berth.web;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.berth.Tenant;
import io.berth.testing.RealStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The endpoints near sign-up answer 429 problem+json with Retry-After once a caller has used up its limit. */
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
}
