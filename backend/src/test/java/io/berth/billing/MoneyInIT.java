package io.berth.billing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.berth.Tenant;
import io.berth.testing.Keycloak;
import io.berth.testing.RealStack;
import io.berth.testing.RealStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResourceManager;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

/** Money in: the signed top-up webhook, vouchers, admin credits and debits, and the ledger check. */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class MoneyInIT {

    /** The stack's secret (stack.env), which RealStackResource gives the backend, as dev/stack does. */
    static final String SECRET = RealStack.get("TOPUP_WEBHOOK_SECRET");

    private static RequestSpecification anonymous() {
        return given().baseUri(TestHTTPResourceManager.getUri());
    }

    private static RequestSpecification admin() {
        return given().baseUri(TestHTTPResourceManager.getUri()).auth().oauth2(Keycloak.demoAdminToken())
                .contentType("application/json");
    }

    private static long balance(Tenant t) {
        return ((Number) t.api().get("/api/v1/billing/balance").then().statusCode(200).extract().path("balanceMicro"))
                .longValue();
    }

    private static String event(String id, String account, long amount, String currency) {
        return "{\"id\":\"" + id + "\",\"type\":\"topup.succeeded\",\"data\":{\"account_id\":\"" + account
                + "\",\"amount_micro\":" + amount + ",\"currency\":\"" + currency + "\"}}";
    }

    private static io.restassured.response.ValidatableResponse deliver(String body, String signature) {
        var req = anonymous().contentType("application/json").body(body);
        if (signature != null) {
            req = req.header("Berth-Signature", signature);
        }
        return req.post("/api/v1/billing/topups/webhook").then();
    }

    @Test
    void aSignedTopUpIsCreditedExactlyOnce() {
        Tenant ana = Tenant.signUp("ana");
        long before = balance(ana);
        assertThat(before).as("sign-up credit").isEqualTo(5_000_000);
        String body = event("evt_" + UUID.randomUUID(), ana.accountId(), 20_000_000, "USD");

        deliver(body, TopupSignature.header(Instant.now().getEpochSecond(), body, SECRET)).statusCode(200)
                .body("result", equalTo("credited"));
        assertThat(balance(ana)).isEqualTo(before + 20_000_000);

        // The same event again, freshly signed (a replay by the provider or an attacker): refused, nothing changes.
        deliver(body, TopupSignature.header(Instant.now().getEpochSecond(), body, SECRET)).statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("id"));
        assertThat(balance(ana)).isEqualTo(before + 20_000_000);
    }

    /** dev/topup against this stack, as a developer runs it: exit code and what it printed. */
    private static String[] topup(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(RealStack.root().resolve("dev/topup").toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("BERTH_STATE", RealStack.state().toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return new String[]{Integer.toString(p.exitValue()), out};
    }

    @Test
    void theDevStacksTopupScriptSignsAnEventThatIsCreditedExactlyOnce() throws Exception {
        Tenant dora = Tenant.signUp("dora");
        long before = balance(dora);
        String event = "evt_devtopup_" + UUID.randomUUID().toString().replace("-", "");

        String[] first = topup(dora.username(), "12.345678", event);
        assertThat(first[0]).as(first[1]).isEqualTo("0");
        assertThat(first[1]).contains("\"result\":\"credited\"", "\"amountMicro\":12345678");
        assertThat(balance(dora)).isEqualTo(before + 12_345_678);

        // The same event again (by account id this time): refused on its key, nothing changes.
        String[] again = topup(dora.accountId(), "12.345678", event);
        assertThat(again[0]).as(again[1]).isNotEqualTo("0");
        assertThat(again[1]).contains("was already processed");
        // Signed with anything but the stack's secret, or not at all: refused, nothing changes.
        String body = event("evt_" + UUID.randomUUID(), dora.accountId(), 1_000_000, "USD");
        deliver(body, TopupSignature.header(Instant.now().getEpochSecond(), body, SECRET + "x")).statusCode(400)
                .body("detail", equalTo("the signature does not match"));
        deliver(body, null).statusCode(400).body("errors[0].field", equalTo("Berth-Signature"));
        assertThat(balance(dora)).isEqualTo(before + 12_345_678);
        assertThat(dora.api().get("/api/v1/billing/ledger").then().statusCode(200).extract().jsonPath()
                .getList("kind")).containsExactlyInAnyOrder("signup_credit", "topup");
    }

    @Test
    void expiredTamperedOrUnsignedEventsAnswer400AndChangeNothing() {
        Tenant ben = Tenant.signUp("ben");
        long before = balance(ben);
        String body = event("evt_" + UUID.randomUUID(), ben.accountId(), 7_000_000, "USD");
        long now = Instant.now().getEpochSecond();

        deliver(body, TopupSignature.header(now - 600, body, SECRET)).statusCode(400)
                .body("detail", equalTo("the signature timestamp is outside the tolerance of 300 s"));
        String tampered = body.replace("7000000", "7000000000");
        deliver(tampered, TopupSignature.header(now, body, SECRET)).statusCode(400)
                .body("detail", equalTo("the signature does not match"));
        deliver(body, TopupSignature.header(now, body, "another-secret")).statusCode(400)
                .body("detail", equalTo("the signature does not match"));
        deliver(body, null).statusCode(400).body("errors[0].field", equalTo("Berth-Signature"));
        String euros = event("evt_" + UUID.randomUUID(), ben.accountId(), 7_000_000, "EUR");
        deliver(euros, TopupSignature.header(now, euros, SECRET)).statusCode(400)
                .body("errors[0].field", equalTo("data.currency"));

        assertThat(balance(ben)).isEqualTo(before);
        assertThat(ben.api().get("/api/v1/billing/ledger").then().statusCode(200).extract().jsonPath()
                .getList("kind")).containsExactly("signup_credit");
    }

    @Test
    void vouchersAreSingleUseLimitedPerAccountAndExpire() {
        Tenant cat = Tenant.signUp("cat");
        Tenant dan = Tenant.signUp("dan");
        cat.api().body(Map.of("name", "x", "amountMicro", 1, "count", 1, "expiresAt", "2099-01-01T00:00:00Z"))
                .post("/api/v1/admin/billing/voucher-batches").then().statusCode(403);
        List<String> codes = admin().body(Map.of("name", "Launch", "amountMicro", 3_000_000, "count", 3,
                "expiresAt", OffsetDateTime.now().plusDays(1).toString(), "perAccountLimit", 1))
                .post("/api/v1/admin/billing/voucher-batches").then().statusCode(200).body("codes", hasSize(3))
                .extract()
                .path("codes");
        long catBefore = balance(cat);

        cat.api().body(Map.of("code", codes.get(0).toLowerCase())).post("/api/v1/billing/vouchers/redeem").then()
                .statusCode(200).body("amountMicro", equalTo(3_000_000));
        assertThat(balance(cat)).isEqualTo(catBefore + 3_000_000);
        cat.api().body(Map.of("code", codes.get(1))).post("/api/v1/billing/vouchers/redeem").then().statusCode(409)
                .body("title", equalTo("Voucher limit reached"));
        dan.api().body(Map.of("code", codes.get(0))).post("/api/v1/billing/vouchers/redeem").then().statusCode(409)
                .body("title", equalTo("Voucher already used"));
        dan.api().body(Map.of("code", "NOSUCHCODE")).post("/api/v1/billing/vouchers/redeem").then().statusCode(404);
        dan.api().body(Map.of("code", codes.get(1))).post("/api/v1/billing/vouchers/redeem").then().statusCode(200);
        assertThat(balance(cat)).isEqualTo(catBefore + 3_000_000);

        List<String> expiring = admin().body(Map.of("name", "Soon", "amountMicro", 1_000_000, "count", 1,
                "expiresAt", OffsetDateTime.now().plusSeconds(2).toString()))
                .post("/api/v1/admin/billing/voucher-batches")
                .then().statusCode(200).extract().path("codes");
        Tenant.sleep(2500);
        dan.api().body(Map.of("code", expiring.get(0))).post("/api/v1/billing/vouchers/redeem").then().statusCode(410);
    }

    @Test
    void adminCreditsAndDebitsNeedAReasonAndAreIdempotent() {
        Tenant eva = Tenant.signUp("eva");
        String id = eva.accountId();
        long before = balance(eva);

        admin().body(Map.of("amountMicro", 1_000_000)).post("/api/v1/admin/accounts/" + id + "/adjustments").then()
                .statusCode(400).body("errors[0].field", equalTo("reason"));
        admin().body(Map.of("amountMicro", 0, "reason", "nothing"))
                .post("/api/v1/admin/accounts/" + id + "/adjustments")
                .then().statusCode(400).body("errors[0].field", equalTo("amountMicro"));
        eva.api().body(Map.of("amountMicro", 1_000_000, "reason", "me"))
                .post("/api/v1/admin/accounts/" + id + "/adjustments")
                .then().statusCode(403);

        String key = UUID.randomUUID().toString();
        for (int i = 0; i < 2; i++) {
            admin().header("Idempotency-Key", key)
                    .body(Map.of("amountMicro", 2_500_000, "reason", "Goodwill for outage"))
                    .post("/api/v1/admin/accounts/" + id + "/adjustments").then().statusCode(200)
                    .body("created", equalTo(i == 0));
        }
        admin().body(Map.of("amountMicro", -500_000, "reason", "Correction")).post("/api/v1/admin/accounts/" + id
                + "/adjustments").then().statusCode(200);
        assertThat(balance(eva)).isEqualTo(before + 2_000_000);
        eva.api().get("/api/v1/billing/ledger").then().statusCode(200)
                .body("[0].kind", equalTo("adjustment")).body("[0].reason", equalTo("Correction"))
                .body("[0].amountMicro", equalTo(-500_000))
                .body("[0].balanceAfterMicro", equalTo((int) (before + 2_000_000)));
        admin().get("/api/v1/admin/billing/ledger-check").then().statusCode(200).body("$", empty());
    }
}
