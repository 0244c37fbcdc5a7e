package io.berth.admin;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

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
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

/** Admin actions through the admin API: what each does, that suspension outlasts a top-up, and the audit log. */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class AdminActionsIT {

    @Inject
    AgroalDataSource ds;

    static RequestSpecification admin() {
        return given().baseUri(TestHTTPResourceManager.getUri()).auth().oauth2(Keycloak.demoAdminToken())
                .contentType("application/json");
    }

    boolean workspaceSuspended(String id) throws Exception {
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement("SELECT suspended FROM workspace WHERE id = ?::uuid")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    List<Map<String, Object>> audit(String target) {
        return admin().queryParam("target", target).get("/api/v1/admin/audit").then().statusCode(200).extract()
                .jsonPath().getList("items");
    }

    @Test
    void suspensionLocksTheAccountOutAndOutlastsMoneyUntilResumed() throws Exception {
        Tenant sam = Tenant.signUp("adm-sam");
        String account = sam.accountId();
        String ws = sam.personalWorkspaceId();
        sam.awaitReady(ws);
        String pat = sam.api().body(Map.of("name", "script", "scopes", List.of("read"), "expiresAt",
                OffsetDateTime.now(ZoneOffset.UTC).plusDays(1).toString())).post("/api/v1/me/tokens").then()
                .statusCode(201).extract().path("token");

        admin().body(Map.of("reason", "")).post("/api/v1/admin/accounts/" + account + "/suspend").then()
                .statusCode(400).body("errors[0].field", equalTo("reason"));
        admin().body(Map.of("reason", "abuse report #12")).post("/api/v1/admin/accounts/" + account + "/suspend")
                .then().statusCode(204);

        sam.api().get("/api/v1/workspaces").then().statusCode(403).contentType("application/problem+json")
                .body("title", equalTo("Account suspended"));
        given().baseUri(TestHTTPResourceManager.getUri()).auth().oauth2(pat).get("/api/v1/workspaces").then()
                .statusCode(401);
        assertThat(workspaceSuspended(ws)).isTrue();

        // Money in resumes debtors, not accounts an admin suspended.
        admin().body(Map.of("amountMicro", 2_000_000, "reason", "goodwill")).post("/api/v1/admin/accounts/"
                + account + "/adjustments").then().statusCode(200).body("created", equalTo(true));
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "UPDATE workspace SET suspended = false WHERE id = ?::uuid")) {
            ps.setString(1, ws);
            ps.executeUpdate();
        }
        assertThat(workspaceSuspended(ws)).as("the trigger keeps an admin's suspension").isTrue();

        admin().post("/api/v1/admin/accounts/" + account + "/resume").then().statusCode(204);
        assertThat(workspaceSuspended(ws)).isFalse();
        sam.api().get("/api/v1/workspaces").then().statusCode(200);

        List<String> actions = audit(account).stream().map(e -> (String) e.get("action")).toList();
        assertThat(actions).containsSubsequence("account.resume", "balance.credit", "account.suspend");
        Map<String, Object> suspend = audit(account).stream().filter(e -> e.get("action").equals("account.suspend"))
                .findFirst().orElseThrow();
        assertThat(suspend).containsEntry("detail", "abuse report #12").containsEntry("via", "api")
                .containsEntry("adminName", "admin").containsEntry("targetName", sam.username());
    }

    @Test
    void planChangesAndCredentialRevocationsAreAppliedAndAudited() throws Exception {
        Tenant pia = Tenant.signUp("adm-pia");
        String account = pia.accountId();
        String ws = pia.personalWorkspaceId();
        pia.awaitReady(ws);
        String pat = pia.api().body(Map.of("name", "script", "scopes", List.of("read"), "expiresAt",
                OffsetDateTime.now(ZoneOffset.UTC).plusDays(1).toString())).post("/api/v1/me/tokens").then()
                .statusCode(201).extract().path("token");

        JsonPath free = admin().get("/api/v1/admin/plans").then().statusCode(200).extract().jsonPath();
        Map<String, Object> plan = free.getMap("find { it.id == 'free' }");
        plan.put("id", "pro-e2e");
        plan.put("name", "Pro (test)");
        plan.put("active", false);
        plan.put("maxWorkspaces", 7);
        admin().body(plan).put("/api/v1/admin/plans/pro-e2e").then().statusCode(200);

        admin().body(Map.of("planId", "nope")).put("/api/v1/admin/accounts/" + account + "/plan").then()
                .statusCode(400).body("errors[0].field", equalTo("planId"));
        admin().body(Map.of("planId", "pro-e2e")).put("/api/v1/admin/accounts/" + account + "/plan").then()
                .statusCode(204);
        assertThat(pia.workspace(ws).getString("plan")).isEqualTo("pro-e2e");

        int epoch = pia.api().get("/api/v1/me/credentials").then().extract().path("epoch");
        admin().post("/api/v1/admin/accounts/" + account + "/credentials/revoke").then().statusCode(200)
                .body("epoch", equalTo(epoch + 1));
        given().baseUri(TestHTTPResourceManager.getUri()).auth().oauth2(pat).get("/api/v1/workspaces").then()
                .statusCode(401);

        List<Map<String, Object>> entries = audit(account);
        assertThat(entries).extracting(e -> e.get("action")).contains("account.plan", "credentials.revoke");
        assertThat(entries).filteredOn(e -> e.get("action").equals("account.plan")).first()
                .satisfies(e -> assertThat((String) e.get("detail")).isEqualTo("free → pro-e2e"));
        assertThat(audit("pro-e2e")).extracting(e -> e.get("action")).contains("plan.create");

        // The admin accounts search finds the account.
        admin().queryParam("q", pia.username()).get("/api/v1/admin/accounts").then().statusCode(200)
                .body("total", equalTo(1)).body("items[0].id", equalTo(account))
                .body("items[0].plan", containsString("pro-e2e"));
    }

    @Test
    void theAuditLogIsAppendOnly() throws Exception {
        admin().body(Map.of("name", "audit check", "amountMicro", 1_000_000, "count", 1, "expiresAt",
                OffsetDateTime.now(ZoneOffset.UTC).plusDays(2).toString()))
                .post("/api/v1/admin/billing/voucher-batches")
                .then().statusCode(200);
        assertThat(admin().get("/api/v1/admin/audit").then().extract().jsonPath().getString("items[0].action"))
                .isEqualTo("vouchers.create");
        try (Connection c = ds.getConnection();
                PreparedStatement ps = c.prepareStatement(
                        "DELETE FROM admin_audit")) {
            org.assertj.core.api.Assertions.assertThatThrownBy(ps::executeUpdate).hasMessageContaining("append-only");
        }
    }
}
