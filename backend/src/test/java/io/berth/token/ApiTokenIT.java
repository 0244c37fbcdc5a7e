package io.berth.token;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.berth.Tenant;
import io.berth.testing.Keycloak;
import io.berth.testing.RealStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResourceManager;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.restassured.specification.RequestSpecification;

/** Personal access tokens on the real stack: scopes, revocation, expiry, storage, and that Keycloak tokens still work. */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class ApiTokenIT {

    @Inject
    AgroalDataSource ds;

    static RequestSpecification withToken(String token) {
        return given().baseUri(TestHTTPResourceManager.getUri()).auth().oauth2(token).contentType("application/json");
    }

    static String makeToken(Tenant t, String name, List<String> scopes) {
        return t.api().body(Map.of("name", name, "scopes", scopes, "expiresAt",
                OffsetDateTime.now(ZoneOffset.UTC).plusDays(30).toString())).post("/api/v1/me/tokens").then()
                .statusCode(201).body("token", containsString("berth_pat_")).extract().path("token");
    }

    static void problem(ValidatableResponse r, int status) {
        r.statusCode(status).contentType("application/problem+json").body("status", equalTo(status));
    }

    @Test
    void aReadOnlyTokenReadsAndIsRefusedEveryWrite() {
        Tenant ana = Tenant.signUp("pat-ana");
        String ws = ana.personalWorkspaceId();
        String token = makeToken(ana, "read only", List.of("read"));

        withToken(token).get("/api/v1/workspaces").then().statusCode(200).body("[0].id", notNullValue());
        withToken(token).get("/api/v1/workspaces/" + ws).then().statusCode(200).body("id", equalTo(ws));
        withToken(token).get("/api/v1/workspaces/" + ws + "/members").then().statusCode(200);
        withToken(token).get("/api/v1/billing/balance").then().statusCode(200).body("balanceMicro", equalTo(5_000_000));
        withToken(token).get("/api/v1/billing/usage").then().statusCode(200);
        withToken(token).get("/api/v1/billing/ledger").then().statusCode(200);

        problem(withToken(token).body(Map.of("displayName", "nope")).post("/api/v1/workspaces").then(), 403);
        withToken(token).body(Map.of("displayName", "nope")).post("/api/v1/workspaces").then()
                .body("detail", containsString("'workspaces' scope"));
        problem(withToken(token).body(Map.of("displayName", "x")).patch("/api/v1/workspaces/" + ws).then(), 403);
        problem(withToken(token).delete("/api/v1/workspaces/" + ws).then(), 403);
        problem(withToken(token).body(Map.of("code", "AAAA")).post("/api/v1/billing/vouchers/redeem").then(), 403);
        problem(withToken(token).post("/api/v1/me/credentials/rotate").then(), 403);
        // A kubeconfig is a credential: reading is not enough.
        problem(withToken(token).get("/api/v1/me/kubeconfig").then(), 403);
        // Nothing changed.
        assertThat(ana.api().get("/api/v1/workspaces").then().statusCode(200).extract().jsonPath().getList("$"))
                .hasSize(1);
    }

    @Test
    void aWorkspacesTokenWritesWorkspacesButNotBillingTokensOrAdmin() {
        Tenant ben = Tenant.signUp("pat-ben");
        String token = makeToken(ben, "ci", List.of("read", "workspaces"));

        String id = withToken(token).body(Map.of("displayName", "From CI")).post("/api/v1/workspaces").then()
                .statusCode(201).extract().path("id");
        withToken(token).accept("application/yaml").get("/api/v1/me/kubeconfig").then().statusCode(200)
                .body(containsString("kind: Config"));
        withToken(token).delete("/api/v1/workspaces/" + id).then().statusCode(202);

        problem(withToken(token).body(Map.of("code", "AAAA")).post("/api/v1/billing/vouchers/redeem").then(), 403);
        // A token never manages tokens, so a stolen one cannot mint a longer-lived one.
        problem(withToken(token).get("/api/v1/me/tokens").then(), 403);
        problem(withToken(token).body(Map.of("name", "more", "scopes", List.of("read"), "expiresAt",
                OffsetDateTime.now(ZoneOffset.UTC).plusDays(1).toString())).post("/api/v1/me/tokens").then(), 403);
        problem(withToken(token).get("/api/v1/admin/plans").then(), 403);
    }

    @Test
    void aBillingTokenChangesTheStatementTimeZoneAndNoOtherTokenDoes() {
        Tenant tara = Tenant.signUp("pat-tara");
        String billing = makeToken(tara, "accounting", List.of("billing"));
        String read = makeToken(tara, "dashboards", List.of("read"));
        String workspaces = makeToken(tara, "ci", List.of("workspaces"));

        // Refused for every other scope, and nothing changes.
        problem(withToken(read).body(Map.of("timezone", "Asia/Tokyo")).patch("/api/v1/me").then(), 403);
        withToken(read).body(Map.of("timezone", "Asia/Tokyo")).patch("/api/v1/me").then()
                .body("detail", equalTo("This API token lacks the 'billing' scope"));
        problem(withToken(workspaces).body(Map.of("timezone", "Asia/Tokyo")).patch("/api/v1/me").then(), 403);
        withToken(read).get("/api/v1/me").then().statusCode(200).body("username", equalTo(tara.username()))
                .body("timezone", equalTo("UTC"));

        // A bad zone is a problem naming the field, and changes nothing either.
        withToken(billing).body(Map.of("timezone", "Mars/Olympus")).patch("/api/v1/me").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("timezone"));
        tara.api().get("/api/v1/me").then().statusCode(200).body("timezone", equalTo("UTC"));

        withToken(billing).body(Map.of("timezone", "Europe/Berlin")).patch("/api/v1/me").then().statusCode(200)
                .body("timezone", equalTo("Europe/Berlin"));
        tara.api().get("/api/v1/me").then().statusCode(200).body("timezone", equalTo("Europe/Berlin"));
        // Reading the account needs 'read'.
        problem(withToken(billing).get("/api/v1/me").then(), 403);
    }

    @Test
    void anAdminsTokenIsNoAdmin() {
        String adminJwt = Keycloak.demoAdminToken();
        given().baseUri(TestHTTPResourceManager.getUri()).auth().oauth2(adminJwt).get("/api/v1/admin/plans").then()
                .statusCode(200);
        String token = given().baseUri(TestHTTPResourceManager.getUri()).auth().oauth2(adminJwt)
                .contentType("application/json")
                .body(Map.of("name", "admin automation", "scopes", List.of("read", "workspaces", "billing"),
                        "expiresAt", OffsetDateTime.now(ZoneOffset.UTC).plusDays(1).toString()))
                .post("/api/v1/me/tokens").then().statusCode(201).extract().path("token");
        problem(withToken(token).get("/api/v1/admin/plans").then(), 403);
        problem(withToken(token).get("/api/v1/admin/accounts").then(), 403);
        withToken(token).get("/api/v1/workspaces").then().statusCode(200);
    }

    @Test
    void revokedExpiredAndUnknownTokensGet401WhileKeycloakTokensKeepWorking() throws Exception {
        Tenant cleo = Tenant.signUp("pat-cleo");
        String revoked = makeToken(cleo, "to revoke", List.of("read"));
        String expiring = makeToken(cleo, "to expire", List.of("read"));
        withToken(revoked).get("/api/v1/workspaces").then().statusCode(200);
        withToken(expiring).get("/api/v1/workspaces").then().statusCode(200);

        String revokedId = cleo.api().get("/api/v1/me/tokens").then().statusCode(200).extract().jsonPath()
                .getString("find { it.name == 'to revoke' }.id");
        cleo.api().delete("/api/v1/me/tokens/" + revokedId).then().statusCode(204);
        problem(withToken(revoked).get("/api/v1/workspaces").then(), 401);
        withToken(revoked).get("/api/v1/workspaces").then().header("WWW-Authenticate", containsString("Bearer"));

        // Expiry is checked on every request: move this token's expiry into the past.
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "UPDATE api_token SET created_at = now() - interval '2 days', expires_at = now() - interval '1 second' "
                                + "WHERE name = 'to expire' AND account_id = ?::uuid")) {
            ps.setString(1, cleo.accountId());
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        problem(withToken(expiring).get("/api/v1/workspaces").then(), 401);
        problem(withToken("berth_pat_" + "A".repeat(43)).get("/api/v1/workspaces").then(), 401);

        // Keycloak access tokens are untouched by the API-token mechanism.
        cleo.api().get("/api/v1/workspaces").then().statusCode(200);
        cleo.api().get("/api/v1/me").then().statusCode(200).body("username", equalTo(cleo.username()));
        // The listing shows state, never the token.
        cleo.api().get("/api/v1/me/tokens").then().statusCode(200)
                .body("find { it.name == 'to revoke' }.active", equalTo(false))
                .body("find { it.name == 'to expire' }.active", equalTo(false))
                .body("find { it.name == 'to revoke' }.token", equalTo(null));
    }

    @Test
    void onlyTheHashIsStored() throws Exception {
        Tenant dan = Tenant.signUp("pat-dan");
        String token = makeToken(dan, "hash check", List.of("read"));
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT t::text FROM api_token t WHERE account_id = ?::uuid")) {
            ps.setString(1, dan.accountId());
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                String row = rs.getString(1);
                assertThat(row).doesNotContain(token).doesNotContain(token.substring("berth_pat_".length()));
            }
        }
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT count(*) FROM api_token WHERE token_sha256 = sha256(convert_to(?, 'UTF8'))")) {
            ps.setString(1, token);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(1);
            }
        }
    }

    @Test
    void invalidRequestsNameTheFieldAndCreationIsRateLimited() {
        Tenant eve = Tenant.signUp("pat-eve");
        eve.api().body(Map.of("name", "x", "scopes", List.of("root"), "expiresAt",
                OffsetDateTime.now(ZoneOffset.UTC).plusDays(1).toString())).post("/api/v1/me/tokens").then()
                .statusCode(400).contentType("application/problem+json").body("errors[0].field", equalTo("scopes"));
        eve.api().body(Map.of("name", "x", "scopes", List.of("read"), "expiresAt",
                OffsetDateTime.now(ZoneOffset.UTC).plusDays(400).toString())).post("/api/v1/me/tokens").then()
                .statusCode(400).body("errors[0].field", equalTo("expiresAt"));
        eve.api().body(Map.of("name", "", "scopes", List.of("read"), "expiresAt",
                OffsetDateTime.now(ZoneOffset.UTC).plusDays(1).toString())).post("/api/v1/me/tokens").then()
                .statusCode(400).body("errors[0].field", equalTo("name"));
        for (int i = 0; i < 10; i++) {
            makeToken(eve, "burst " + i, List.of("read"));
        }
        eve.api().body(Map.of("name", "one too many", "scopes", List.of("read"), "expiresAt",
                OffsetDateTime.now(ZoneOffset.UTC).plusDays(1).toString())).post("/api/v1/me/tokens").then()
                .statusCode(429).contentType("application/problem+json").header("Retry-After", notNullValue())
                .body("status", equalTo(429));
    }
}
