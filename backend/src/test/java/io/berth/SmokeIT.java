package io.berth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.berth.testing.Keycloak;
import io.berth.testing.Kube;
import io.berth.testing.RealStack;
import io.berth.testing.RealStackResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The foundation holds against the real stack: Keycloak, the backend, PostgreSQL and the Kubernetes API. */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class SmokeIT {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void keycloakIssuesATokenForTheDemoUserAndTheBackendAcceptsIt() {
        String token = Keycloak.demoUserToken();

        given().auth().oauth2(token).when().get("/api/v1/me").then().statusCode(200)
                .body("username", equalTo(RealStack.get("DEMO_USER")))
                .body("status", equalTo("active"))
                .body("roles", hasItem("berth-user"));
    }

    @Test
    void anApiCallWithoutATokenGets401ProblemJsonAndNoRedirect() {
        given().redirects().follow(false).when().get("/api/v1/me").then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", startsWith("Bearer"))
                .body("status", equalTo(401))
                .body("type", equalTo("https://berth.dev/problems/unauthenticated"));
    }

    @Test
    void anApiCallWithAForgedTokenGets401() {
        String token = Keycloak.demoUserToken();
        String forged = token.substring(0, token.lastIndexOf('.') + 1) + "c2lnbmF0dXJl";

        given().auth().oauth2(forged).when().get("/api/v1/me").then().statusCode(401)
                .contentType("application/problem+json");
    }

    @Test
    void metricsAreForPlatformAdminsOnlyAndHealthStaysPublic() {
        given().redirects().follow(false).when().get("/q/metrics").then().statusCode(401)
                .header("WWW-Authenticate", startsWith("Bearer"));
        given().redirects().follow(false).when().get("/q/metrics/").then().statusCode(401);
        given().redirects().follow(false).auth().oauth2(Keycloak.demoUserToken()).when().get("/q/metrics").then()
                .statusCode(403);
        given().auth().oauth2(Keycloak.demoAdminToken()).when().get("/q/metrics").then().statusCode(200)
                .body(containsString("jvm_"));
        given().when().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void theConsoleRedirectsABrowserToKeycloakLogin() {
        given().redirects().follow(false).when().get("/console").then().statusCode(302)
                .header("Location",
                        startsWith(RealStack.get("KEYCLOAK_URL") + "/realms/berth/protocol/openid-connect/auth"));
    }

    @Test
    void flywayMigratedTheDatabase() throws SQLException {
        try (Connection c = dataSource.getConnection();
                ResultSet rs = c.createStatement().executeQuery(
                        "select count(*) filter (where not success), count(*), max(version::int) from flyway_schema_history where version is not null")) {
            rs.next();
            assertThat(rs.getInt(1)).as("failed migrations").isZero();
            assertThat(rs.getInt(2)).as("applied migrations").isPositive();
        }
        try (Connection c = dataSource.getConnection();
                ResultSet rs = c.createStatement().executeQuery("select to_regclass('public.account') is not null")) {
            rs.next();
            assertThat(rs.getBoolean(1)).as("account table exists").isTrue();
        }
    }

    @Test
    void theApiServerEnforcesRbac() {
        try (KubernetesClient mallory = Kube.impersonating("mallory")) {
            KubernetesClientException denied = assertThrows(KubernetesClientException.class,
                    () -> mallory.nodes().list());
            assertThat(denied.getCode()).isEqualTo(403);
            assertThat(denied.getMessage()).contains("User \"mallory\" cannot list resource \"nodes\"");
        }
    }

    @Test
    void theApiServerEnforcesPodSecurityRestricted() {
        KubernetesClient admin = Kube.admin();
        String ns = "smoke-psa-" + Long.toHexString(System.nanoTime());
        admin.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns)
                .withLabels(Map.of("pod-security.kubernetes.io/enforce", "restricted")).endMetadata().build())
                .create();
        try {
            Pod privileged = new PodBuilder().withNewMetadata().withName("privileged").endMetadata()
                    .withNewSpec().addNewContainer().withName("c").withImage("busybox")
                    .withNewSecurityContext().withPrivileged(true).endSecurityContext().endContainer().endSpec()
                    .build();
            KubernetesClientException denied = assertThrows(KubernetesClientException.class,
                    () -> admin.pods().inNamespace(ns).resource(privileged).create());
            assertThat(denied.getCode()).isEqualTo(403);
            assertThat(denied.getMessage()).contains("violates PodSecurity \"restricted:latest\"")
                    .contains("privileged (container \"c\" must not set securityContext.privileged=true)");
        } finally {
            admin.namespaces().withName(ns).delete();
        }
    }

    @Test
    void readinessReportsTheDatabaseKubernetesAndKeycloak() {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("kubernetes"))
                .body("checks.name", hasItem("keycloak"))
                .body("checks.name", hasItem(containsString("Database connections")));
    }
}
