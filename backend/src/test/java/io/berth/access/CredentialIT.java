package io.berth.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.berth.Tenant;
import io.berth.testing.Keycloak;
import io.berth.testing.Kubectl;
import io.berth.testing.RealStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResourceManager;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;

/** Kubeconfigs: one context per workspace, an expiry people can see, and revocation that takes effect at once. */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class CredentialIT {

    @Test
    void theKubeconfigHasOneContextPerWorkspaceAndTellsWhenItExpires() {
        Tenant jan = Tenant.signUp("jan");
        String personal = jan.personalWorkspaceId();
        String second = jan.createWorkspace("Second");
        String personalNs = jan.awaitReady(personal).getString("namespace");
        String secondNs = jan.awaitReady(second).getString("namespace");

        var response = jan.api().accept("application/yaml").get("/api/v1/me/kubeconfig").then().statusCode(200)
                .header("Cache-Control", "no-store").extract();
        OffsetDateTime expires = OffsetDateTime.parse(response.header("X-Berth-Token-Expires-At"));
        assertThat(Duration.between(OffsetDateTime.now(), expires)).isBetween(Duration.ofDays(7).minusMinutes(5),
                Duration.ofDays(7).plusMinutes(5));
        String yaml = response.asString();
        assertThat(yaml).contains("namespace: " + personalNs, "namespace: " + secondNs,
                "current-context: berth-" + personalNs, "# The token expires at " + expires);

        Kubectl kubectl = Kubectl.withKubeconfig(yaml);
        assertThat(kubectl.run("get", "pods").ok()).isTrue();
        assertThat(kubectl.run("--context", "berth-" + secondNs, "get", "configmaps").ok()).isTrue();
        jan.api().get("/api/v1/me/credentials").then().statusCode(200)
                .body("lastExpiresAt", notNullValue())
                .body("kubernetesUsername", equalTo("system:serviceaccount:berth-users:u-" + jan.accountId() + "-e1"));
    }

    @Test
    void aTokenLifetimeOutsideTheLimitsIsRefusedNamingTheField() {
        Tenant kim = Tenant.signUp("kim");
        kim.api().queryParam("ttlSeconds", 60).get("/api/v1/me/kubeconfig").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("ttlSeconds"));
        kim.api().queryParam("ttlSeconds", 90 * 86400).get("/api/v1/me/kubeconfig").then().statusCode(400)
                .body("errors[0].field", equalTo("ttlSeconds"));
        var ok = kim.api().queryParam("ttlSeconds", 3600).accept("application/yaml").get("/api/v1/me/kubeconfig")
                .then().statusCode(200).extract();
        assertThat(Duration.between(OffsetDateTime.now(), OffsetDateTime.parse(ok.header("X-Berth-Token-Expires-At"))))
                .isBetween(Duration.ofMinutes(55), Duration.ofMinutes(65));
    }

    @Test
    void afterRotationTheOldTokenIsRefusedWithinFiveSecondsAndANewOneWorks() {
        Tenant lea = Tenant.signUp("lea");
        lea.awaitReady(lea.personalWorkspaceId());
        Kubectl old = lea.kubectl();
        assertThat(old.run("get", "pods").ok()).isTrue();

        lea.api().post("/api/v1/me/credentials/rotate").then().statusCode(200).body("epoch", equalTo(2));

        assertThat(untilRefused(old)).isLessThan(Duration.ofSeconds(5));
        untilUnauthenticated(old);
        assertThat(lea.kubectl().run("get", "pods").ok()).isTrue();
    }

    @Test
    void anAdminRevokesAllOfAUsersCredentials() {
        Tenant max = Tenant.signUp("max");
        max.awaitReady(max.personalWorkspaceId());
        Kubectl first = max.kubectl();
        Kubectl second = max.kubectl();
        String maxId = max.accountId();

        max.api().post("/api/v1/admin/accounts/" + maxId + "/credentials/revoke").then().statusCode(403);
        RestAssured.given().baseUri(TestHTTPResourceManager.getUri()).auth().oauth2(Keycloak.demoAdminToken())
                .post("/api/v1/admin/accounts/" + maxId + "/credentials/revoke").then().statusCode(200);

        assertThat(untilRefused(first)).isLessThan(Duration.ofSeconds(5));
        assertThat(untilRefused(second)).isLessThan(Duration.ofSeconds(5));
        untilUnauthenticated(first);
    }

    @Test
    void theKubeconfigEndpointNeedsAToken() {
        RestAssured.given().baseUri(TestHTTPResourceManager.getUri()).get("/api/v1/me/kubeconfig").then()
                .statusCode(401).contentType("application/problem+json");
        RestAssured.given().baseUri(TestHTTPResourceManager.getUri()).body(Map.of())
                .post("/api/v1/me/credentials/rotate")
                .then().statusCode(401);
    }

    /**
     * How long until the API server refuses this kubeconfig's token anything in its workspace (fails after 10 s). At
     * first the refusal is a 403 (the token no longer holds any role), later a 401.
     */
    private static Duration untilRefused(Kubectl kubectl) {
        long start = System.nanoTime();
        while (System.nanoTime() - start < Duration.ofSeconds(10).toNanos()) {
            Kubectl.Result r = kubectl.run("get", "pods");
            if (!r.ok()
                    && (r.stderr().contains("Unauthorized") || r.stderr().contains("cannot list resource \"pods\""))) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
            Tenant.sleep(100);
        }
        throw new AssertionError("the old token still works after 10 s");
    }

    /** Once the API server's token cache (10 s) has expired, the deleted identity no longer authenticates at all. */
    private static void untilUnauthenticated(Kubectl kubectl) {
        long start = System.nanoTime();
        while (System.nanoTime() - start < Duration.ofSeconds(20).toNanos()) {
            Kubectl.Result r = kubectl.run("get", "pods");
            if (r.stderr().contains("error: You must be logged in to the server (Unauthorized)")) {
                return;
            }
            Tenant.sleep(250);
        }
        throw new AssertionError("the old token still authenticates after 20 s");
    }
}
