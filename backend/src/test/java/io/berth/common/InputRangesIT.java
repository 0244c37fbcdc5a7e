package io.berth.common;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.agroal.api.AgroalDataSource;
import io.berth.Tenant;
import io.berth.testing.Keycloak;
import io.berth.testing.RealStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResourceManager;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Every kind of hostile value on every kind of input (query, path, header, JSON body) of the API answers 400
 * problem+json naming the field, never 500, and changes nothing: times PostgreSQL cannot store or that are no times,
 * numbers no field can hold, pages past any offset, NUL, overlong text, malformed JSON and JSON of the wrong type.
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InputRangesIT {

    static final String YEAR_300000 = "+300000-01-01T00:00:00Z";

    @Inject
    AgroalDataSource ds;

    Tenant ana;
    String accountId;
    String workspaceId;

    @BeforeAll
    void tenant() {
        ana = Tenant.signUp("ranges");
        accountId = ana.accountId();
        workspaceId = ana.personalWorkspaceId();
        ana.awaitReady(workspaceId);
        // The admin's first call makes the admin's account (workspace, sign-up credit): not part of any refusal.
        admin().get("/api/v1/me").then().statusCode(200);
    }

    static RequestSpecification admin() {
        return given().baseUri(TestHTTPResourceManager.getUri()).auth().oauth2(Keycloak.demoAdminToken())
                .contentType("application/json");
    }

    /** What a refused request must leave as it was. */
    String state() throws Exception {
        try (Connection c = ds.getConnection();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        """
                                SELECT concat_ws(' | ',
                                  (SELECT md5(string_agg(a.id || a.status || a.timezone || a.plan_id, ',' ORDER BY a.id)) FROM account a),
                                  (SELECT count(*) FROM workspace), (SELECT count(*) FROM workspace_member),
                                  (SELECT md5(string_agg(w.id || w.display_name, ',' ORDER BY w.id)) FROM workspace w),
                                  (SELECT count(*) FROM invitation), (SELECT count(*) FROM api_token),
                                  (SELECT count(*) FROM voucher_batch), (SELECT md5(string_agg(p::text, ',' ORDER BY p.id)) FROM plan p),
                                  (SELECT count(*) FROM ledger_transaction), (SELECT count(*) FROM admin_audit))""")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** 400 problem+json whose errors name exactly this field; what is wrong goes to the failures, all shown at once. */
    static void refused(Response r, String field, List<String> failures, String what) {
        try {
            r.then().statusCode(400).contentType(startsWith("application/problem+json")).body("status", equalTo(400))
                    .body("errors.field", contains(field));
        } catch (AssertionError e) {
            failures.add(what + ": " + e.getMessage() + " in " + r.asString());
        }
    }

    @Test
    void timesOutsideWhatIsStoredOrNoTimesAtAllAreRefusedNamingTheField() throws Exception {
        String before = state();
        List<String> failures = new ArrayList<>();
        for (String bad : List.of(YEAR_300000, "300000-01-01T00:00:00Z", "+10000-01-01T00:00:00Z",
                "-4714-11-24T00:00:00Z", "-infinity", "infinity", "2026-13-40T99:00:00Z", "2026-11-20T10:00:00")) {
            refused(ana.api().queryParam("from", bad).get("/api/v1/billing/usage"), "from", failures,
                    "usage from " + bad);
            refused(ana.api().queryParam("to", bad).get("/api/v1/billing/usage"), "to", failures, "usage to " + bad);
            refused(admin().queryParam("hour", bad).post("/api/v1/admin/billing/rate"), "hour", failures,
                    "rate " + bad);
            refused(admin().body(Map.of("name", "ranges", "amountMicro", 1_000_000, "count", 1, "expiresAt", bad))
                    .post("/api/v1/admin/billing/voucher-batches"), "expiresAt", failures, "vouchers " + bad);
        }
        refused(ana.api().body(Map.of("name", "ranges", "scopes", List.of("read"), "expiresAt", YEAR_300000))
                .post("/api/v1/me/tokens"), "expiresAt", failures, "token expiresAt");
        refused(ana.api().queryParam("granularity", "week").get("/api/v1/billing/usage"), "granularity", failures,
                "granularity");
        refused(ana.api().queryParam("workspaceId", "not-a-uuid").get("/api/v1/billing/usage"), "workspaceId",
                failures, "workspaceId");
        assertThat(failures).isEmpty();
        assertThat(state()).isEqualTo(before);
    }

    @Test
    void numbersNoFieldCanHoldAndPagesPastAnyOffsetAreRefusedNamingTheField() throws Exception {
        String before = state();
        List<String> failures = new ArrayList<>();
        for (String bad : List.of("99999999999", "-1", "0", "1e3", "abc")) {
            refused(ana.api().queryParam("limit", bad).get("/api/v1/billing/ledger"), "limit", failures,
                    "limit " + bad);
        }
        for (String bad : List.of("99999999999999999999", "-1", "1.5", "ten")) {
            refused(ana.api().accept("application/yaml").queryParam("ttlSeconds", bad).get("/api/v1/me/kubeconfig"),
                    "ttlSeconds", failures, "ttlSeconds " + bad);
        }
        for (String bad : List.of("2147483646", "2147483647", "2147483648", "100001", "0", "-5", "x")) {
            refused(admin().queryParam("page", bad).get("/api/v1/admin/accounts"), "page", failures, "accounts " + bad);
            refused(admin().queryParam("page", bad).get("/api/v1/admin/audit"), "page", failures, "audit " + bad);
        }
        admin().queryParam("page", Paged.MAX_PAGE).get("/api/v1/admin/accounts").then().statusCode(200);
        String adjust = "/api/v1/admin/accounts/" + accountId + "/adjustments";
        for (String bad : List.of("99999999999999999999", "-99999999999999999999", "1" + "0".repeat(400))) {
            refused(admin().body("{\"amountMicro\":" + bad + ",\"reason\":\"ranges\"}").post(adjust), "amountMicro",
                    failures, "adjustment " + bad.length());
            refused(admin().body("{\"name\":\"ranges\",\"amountMicro\":1000000,\"count\":" + bad + "}")
                    .post("/api/v1/admin/billing/voucher-batches"), "count", failures, "voucher count");
        }
        // Amounts a long holds but a balance could not: sums of them would overflow PostgreSQL's bigint.
        for (String bad : List.of("9223372036854775807", "-9223372036854775808", "1000000000000000001")) {
            refused(admin().body("{\"amountMicro\":" + bad + ",\"reason\":\"ranges\"}").post(adjust), "amountMicro",
                    failures, "adjustment " + bad);
            refused(admin().body("{\"name\":\"ranges\",\"amountMicro\":" + bad.replace("-", "")
                    + ",\"count\":1,\"expiresAt\":\"2030-01-01T00:00:00Z\"}")
                    .post("/api/v1/admin/billing/voucher-batches"),
                    "amountMicro", failures, "voucher amount " + bad);
        }
        refused(admin().body("{\"name\":\"Ranges\",\"maxWorkspaces\":3000000000}").put("/api/v1/admin/plans/ranges"),
                "maxWorkspaces", failures, "plan maxWorkspaces");
        refused(admin().body("{\"name\":\"Ranges\",\"cpuRequestMillis\":1e400}").put("/api/v1/admin/plans/ranges"),
                "cpuRequestMillis", failures, "plan cpuRequestMillis");
        assertThat(failures).isEmpty();
        assertThat(state()).isEqualTo(before);
    }

    @Test
    void nulAndOverlongTextAreRefusedNamingTheField() throws Exception {
        String before = state();
        List<String> failures = new ArrayList<>();
        String nul = "a\u0000b";
        String overlong = "x".repeat(InputBounds.MAX_PARAMETER_LENGTH + 1);
        for (String bad : List.of(nul, overlong)) {
            refused(admin().queryParam("q", bad).get("/api/v1/admin/accounts"), "q", failures, "q");
            refused(admin().queryParam("target", bad).get("/api/v1/admin/audit"), "target", failures, "target");
        }
        refused(admin().header("Idempotency-Key", overlong).body(Map.of("amountMicro", 1, "reason", "ranges"))
                .post("/api/v1/admin/accounts/" + accountId + "/adjustments"), "Idempotency-Key", failures,
                "Idempotency-Key");
        refused(admin().body(Map.of("name", "Ranges")).put("/api/v1/admin/plans/" + overlong), "id", failures,
                "plan id");
        refused(ana.api().body(Map.of("displayName", nul)).post("/api/v1/workspaces"), "displayName", failures,
                "displayName NUL");
        refused(ana.api().body(Map.of("displayName", "x".repeat(10_000))).post("/api/v1/workspaces"), "displayName",
                failures, "displayName overlong");
        refused(ana.api().body(Map.of("displayName", nul)).patch("/api/v1/workspaces/" + workspaceId), "displayName",
                failures, "rename NUL");
        refused(ana.api().body(Map.of("timezone", "Europe/Berlin\u0000")).patch("/api/v1/me"), "timezone", failures,
                "timezone");
        refused(ana.api().body(Map.of("timezone", "x".repeat(10_000))).patch("/api/v1/me"), "timezone", failures,
                "timezone overlong");
        refused(ana.api().body(Map.of("code", nul)).post("/api/v1/billing/vouchers/redeem"), "code", failures, "code");
        refused(ana.api().body(Map.of("token", nul)).post("/api/v1/invitations/accept"), "token", failures, "token");
        refused(ana.api().body(Map.of("invitee", nul, "role", "viewer"))
                .post("/api/v1/workspaces/" + workspaceId + "/invitations"), "invitee", failures, "invitee NUL");
        refused(ana.api().body(Map.of("invitee", "x".repeat(10_000), "role", "viewer"))
                .post("/api/v1/workspaces/" + workspaceId + "/invitations"), "invitee", failures, "invitee overlong");
        refused(ana.api().body(Map.of("name", nul, "scopes", List.of("read"))).post("/api/v1/me/tokens"), "name",
                failures, "token name");
        refused(admin().body(Map.of("reason", nul)).post("/api/v1/admin/accounts/" + accountId + "/suspend"),
                "reason", failures, "suspend reason");
        refused(admin().body(Map.of("reason", "x".repeat(10_000)))
                .post("/api/v1/admin/accounts/" + accountId + "/suspend"), "reason", failures, "suspend overlong");
        refused(admin().body(Map.of("amountMicro", 1, "reason", nul))
                .post("/api/v1/admin/accounts/" + accountId + "/adjustments"), "reason", failures, "adjust reason");
        refused(admin().body(Map.of("name", nul, "amountMicro", 1_000_000, "count", 1))
                .post("/api/v1/admin/billing/voucher-batches"), "name", failures, "voucher name");
        refused(admin().body(Map.of("planId", nul)).put("/api/v1/admin/accounts/" + accountId + "/plan"), "planId",
                failures, "planId");
        assertThat(failures).isEmpty();
        assertThat(state()).isEqualTo(before);
    }

    @Test
    void malformedJsonAndJsonOfTheWrongTypeAreRefusedNamingTheFieldOrTheBody() throws Exception {
        String before = state();
        List<String> failures = new ArrayList<>();
        String workspaces = "/api/v1/workspaces";
        refused(ana.api().body("not json").post(workspaces), "body", failures, "not json");
        refused(ana.api().body("{\"displayName\":\"x\",,}").post(workspaces), "displayName", failures, "double comma");
        refused(ana.api().body("[]").post(workspaces), "body", failures, "array body");
        refused(ana.api().body("\"x\"").post(workspaces), "body", failures, "string body");
        refused(ana.api().body("{\"displayName\":[\"x\"]}").post(workspaces), "displayName", failures, "array name");
        refused(ana.api().body("{\"displayName\":{\"a\":1}}").post(workspaces), "displayName", failures, "object");
        String me = "/api/v1/workspaces/" + workspaceId + "/members/" + accountId;
        for (String role : List.of("\"god\"", "1", "[\"viewer\"]", "true")) {
            refused(ana.api().body("{\"role\":" + role + "}").put(me), "role", failures, "role " + role);
        }
        refused(ana.api().body("{\"accountId\":\"nope\"}").post("/api/v1/workspaces/" + workspaceId + "/transfer"),
                "accountId", failures, "transfer");
        refused(ana.api().body("{\"name\":\"ranges\",\"scopes\":\"read\"}").post("/api/v1/me/tokens"), "scopes",
                failures, "scopes");
        refused(admin().body("{\"amountMicro\":\"lots\",\"reason\":\"ranges\"}")
                .post("/api/v1/admin/accounts/" + accountId + "/adjustments"), "amountMicro", failures, "amount text");
        refused(admin().body("{\"name\":\"Ranges\",\"extendedResources\":[1]}").put("/api/v1/admin/plans/ranges"),
                "extendedResources", failures, "plan extendedResources");
        assertThat(failures).isEmpty();
        assertThat(state()).isEqualTo(before);
    }
}
