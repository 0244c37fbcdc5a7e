package io.berth;

import static io.restassured.RestAssured.given;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.berth.testing.Keycloak;
import io.berth.testing.Kubectl;
import io.quarkus.test.common.http.TestHTTPResourceManager;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;

/** A person using Berth in a test: a real Keycloak user calling the real API and running real kubectl. */
public final class Tenant {

    public final Keycloak.TestUser user;
    private String token;
    private long tokenAt;

    private Tenant(Keycloak.TestUser user) {
        this.user = user;
    }

    /** Signs a new user up: a Keycloak account, then a first API call that creates the Berth account. */
    public static Tenant signUp(String prefix) {
        Tenant t = new Tenant(
                Keycloak.createUser(prefix + "-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36)));
        t.api().get("/api/v1/me").then().statusCode(200);
        return t;
    }

    public String username() {
        return user.username();
    }

    public String token() {
        if (token == null || System.nanoTime() - tokenAt > Duration.ofMinutes(4).toNanos()) {
            token = user.token();
            tokenAt = System.nanoTime();
        }
        return token;
    }

    public RequestSpecification api() {
        // An explicit base URI: in @BeforeAll, RestAssured's port is not yet set to the test port.
        return given().baseUri(TestHTTPResourceManager.getUri()).auth().oauth2(token()).contentType(ContentType.JSON);
    }

    public String accountId() {
        return api().get("/api/v1/me").then().statusCode(200).extract().path("id");
    }

    public String personalWorkspaceId() {
        List<Map<String, Object>> list = api().get("/api/v1/workspaces").then().statusCode(200).extract()
                .jsonPath().getList("findAll { it.personal }");
        return (String) list.get(0).get("id");
    }

    public String createWorkspace(String displayName) {
        return api().body(Map.of("displayName", displayName)).post("/api/v1/workspaces").then().statusCode(201)
                .extract().path("id");
    }

    /** Invites {@code invitee} (a username or an address) to one of this tenant's workspaces; the invitation's token. */
    public String invite(String workspaceId, String invitee, String role) {
        return api().body(Map.of("invitee", invitee, "role", role))
                .post("/api/v1/workspaces/" + workspaceId + "/invitations").then().statusCode(201)
                .body("token", org.hamcrest.Matchers.notNullValue()).extract().path("token");
    }

    public JsonPath workspace(String id) {
        return api().get("/api/v1/workspaces/" + id).then().statusCode(200).extract().jsonPath();
    }

    /** Polls until the workspace is ready and returns it; fails with its last status after 30 s. */
    public JsonPath awaitReady(String id) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        JsonPath ws;
        do {
            ws = workspace(id);
            if ("ready".equals(ws.getString("status"))) {
                return ws;
            }
            sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("workspace " + id + " not ready: " + ws.prettify());
    }

    /** The namespace of this tenant's personal workspace, once the workspace is ready. */
    public String personalNamespace() {
        return awaitReady(personalWorkspaceId()).getString("namespace");
    }

    public String namespace(String workspaceId) {
        return workspace(workspaceId).getString("namespace");
    }

    public String kubeconfig() {
        return api().accept("application/yaml").get("/api/v1/me/kubeconfig").then().statusCode(200).extract()
                .asString();
    }

    public Kubectl kubectl() {
        return Kubectl.withKubeconfig(kubeconfig());
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
