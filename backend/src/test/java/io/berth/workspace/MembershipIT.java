package io.berth.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;

import org.junit.jupiter.api.Test;

import io.berth.Tenant;
import io.berth.common.Hashes;
import io.berth.testing.Kubectl;
import io.berth.testing.RealStackResource;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Teams: invitations, roles enforced by Kubernetes RBAC, removal, ownership transfer. */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class MembershipIT {

    @Inject
    EntityManager em;

    record Team(Tenant owner, String workspaceId, String namespace) {
    }

    private Team team() {
        Tenant owner = Tenant.signUp("owner");
        String id = owner.createWorkspace("Team space");
        String ns = owner.awaitReady(id).getString("namespace");
        return new Team(owner, id, ns);
    }

    private String invite(Team team, Tenant who, String role) {
        return team.owner().invite(team.workspaceId(), who.user.email(), role);
    }

    private void accept(Tenant who, String token) {
        who.api().body(Map.of("token", token)).post("/api/v1/invitations/accept").then().statusCode(200);
    }

    @Test
    void anInvitedViewerReadsButCannotReadSecretsThenAsDeveloperCanAndAfterRemovalCannotAtAll() {
        Team team = team();
        Tenant carol = Tenant.signUp("carol");
        accept(carol, invite(team, carol, "viewer"));
        String carolId = carol.accountId();
        team.owner().awaitReady(team.workspaceId());
        Kubectl kubectl = carol.kubectl();

        awaitTrue(() -> kubectl.run("-n", team.namespace(), "get", "pods").ok(), Duration.ofSeconds(5));
        Kubectl.Result secrets = kubectl.run("-n", team.namespace(), "get", "secrets");
        assertThat(secrets.ok()).isFalse();
        assertThat(secrets.stderr()).contains("cannot list resource \"secrets\" in API group \"\" in the namespace \""
                + team.namespace() + "\"");
        assertThat(kubectl.run("-n", team.namespace(), "create", "configmap", "x").stderr())
                .contains("cannot create resource \"configmaps\"");

        team.owner().api().body(Map.of("role", "developer"))
                .put("/api/v1/workspaces/" + team.workspaceId() + "/members/" + carolId).then().statusCode(200)
                .body("role", equalTo("developer"));
        awaitTrue(() -> kubectl.run("-n", team.namespace(), "get", "secrets").ok(), Duration.ofSeconds(5));
        assertThat(kubectl.run("-n", team.namespace(), "create", "configmap", "x").ok()).isTrue();

        team.owner().api().delete("/api/v1/workspaces/" + team.workspaceId() + "/members/" + carolId).then()
                .statusCode(204);
        long start = System.nanoTime();
        awaitTrue(() -> !kubectl.run("-n", team.namespace(), "get", "pods").ok(), Duration.ofSeconds(5));
        Duration revokedAfter = Duration.ofNanos(System.nanoTime() - start);
        assertThat(revokedAfter).isLessThan(Duration.ofSeconds(5));
        assertThat(kubectl.run("-n", team.namespace(), "get", "pods").stderr())
                .contains("cannot list resource \"pods\" in API group \"\" in the namespace \"" + team.namespace()
                        + "\"");
        carol.api().get("/api/v1/workspaces/" + team.workspaceId()).then().statusCode(404);
    }

    @Test
    void anInvitationIsSingleUseAndOnlyForTheInvitedPerson() {
        Team team = team();
        Tenant dave = Tenant.signUp("dave");
        Tenant eve = Tenant.signUp("eve");
        String token = invite(team, dave, "developer");

        eve.api().body(Map.of("token", token)).post("/api/v1/invitations/accept").then().statusCode(403)
                .contentType("application/problem+json")
                .body("detail", equalTo("This invitation is for another person"));
        dave.api().get("/api/v1/invitations").then().statusCode(200).body("workspaceId", hasItem(team.workspaceId()));
        accept(dave, token);
        dave.api().body(Map.of("token", token)).post("/api/v1/invitations/accept").then().statusCode(410)
                .body("detail", equalTo("This invitation was already accepted"));
        team.owner().api().get("/api/v1/workspaces/" + team.workspaceId() + "/members").then().statusCode(200)
                .body("find { it.username == '" + dave.username() + "' }.role", equalTo("developer"));
    }

    @Test
    void anExpiredInvitationIsRefusedAndADeclinedOneCannotBeAccepted() {
        Team team = team();
        Tenant frank = Tenant.signUp("frank");
        String expired = invite(team, frank, "viewer");
        QuarkusTransaction.requiringNew().run(() -> em.createNativeQuery(
                "UPDATE invitation SET expires_at = now() - interval '1 second' WHERE token_sha256 = ?1")
                .setParameter(1, Hashes.sha256(expired)).executeUpdate());
        frank.api().body(Map.of("token", expired)).post("/api/v1/invitations/accept").then().statusCode(410)
                .body("title", equalTo("Invitation no longer valid"));

        String declined = invite(team, frank, "viewer");
        frank.api().body(Map.of("token", declined)).post("/api/v1/invitations/decline").then().statusCode(204);
        frank.api().body(Map.of("token", declined)).post("/api/v1/invitations/accept").then().statusCode(410)
                .body("detail", equalTo("This invitation was already declined"));
        frank.api().get("/api/v1/workspaces/" + team.workspaceId()).then().statusCode(404);
    }

    @Test
    void invitationsNeedAnAdminAndAValidRoleAndInvitee() {
        Team team = team();
        Tenant gina = Tenant.signUp("gina");
        accept(gina, invite(team, gina, "viewer"));

        gina.api().body(Map.of("invitee", "someone@example.test", "role", "viewer"))
                .post("/api/v1/workspaces/" + team.workspaceId() + "/invitations").then().statusCode(403);
        team.owner().api().body(Map.of("invitee", "", "role", "viewer"))
                .post("/api/v1/workspaces/" + team.workspaceId() + "/invitations").then().statusCode(400)
                .body("errors[0].field", equalTo("invitee"));
        team.owner().api().body(Map.of("invitee", "x@example.test", "role", "owner"))
                .post("/api/v1/workspaces/" + team.workspaceId() + "/invitations").then().statusCode(400)
                .body("errors[0].field", equalTo("role"));
        team.owner().api().body(Map.of("invitee", "x@example.test", "role", "superuser"))
                .post("/api/v1/workspaces/" + team.workspaceId() + "/invitations").then().statusCode(400)
                .body("errors[0].field", equalTo("role"));
        team.owner().api().body(Map.of("invitee", gina.user.email(), "role", "viewer"))
                .post("/api/v1/workspaces/" + team.workspaceId() + "/invitations").then().statusCode(409);
    }

    @Test
    void ownershipTransfersAndTheWorkspaceAlwaysHasExactlyOneOwner() throws Exception {
        Team team = team();
        Tenant hugo = Tenant.signUp("hugo");
        Tenant iris = Tenant.signUp("iris");
        accept(hugo, invite(team, hugo, "admin"));
        accept(iris, invite(team, iris, "developer"));
        String hugoId = hugo.accountId();
        String irisId = iris.accountId();
        String ownerId = team.owner().accountId();

        team.owner().api().delete("/api/v1/workspaces/" + team.workspaceId() + "/members/" + ownerId).then()
                .statusCode(409);
        hugo.api().body(Map.of("role", "viewer"))
                .put("/api/v1/workspaces/" + team.workspaceId() + "/members/" + ownerId)
                .then().statusCode(409);

        // The owner fires transfers to two members at once, while an admin changes roles: one transfer wins.
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Callable<Integer>> calls = new ArrayList<>();
        String ownerToken = team.owner().token();
        for (int i = 0; i < 3; i++) {
            calls.add(() -> io.restassured.RestAssured.given()
                    .baseUri(io.quarkus.test.common.http.TestHTTPResourceManager.getUri())
                    .auth().oauth2(ownerToken).contentType("application/json").body(Map.of("accountId", hugoId))
                    .post("/api/v1/workspaces/" + team.workspaceId() + "/transfer").statusCode());
            calls.add(() -> io.restassured.RestAssured.given()
                    .baseUri(io.quarkus.test.common.http.TestHTTPResourceManager.getUri())
                    .auth().oauth2(ownerToken).contentType("application/json").body(Map.of("accountId", irisId))
                    .post("/api/v1/workspaces/" + team.workspaceId() + "/transfer").statusCode());
        }
        List<Integer> codes = new ArrayList<>();
        for (Future<Integer> f : pool.invokeAll(calls)) {
            codes.add(f.get());
        }
        pool.shutdown();
        assertThat(codes).filteredOn(c -> c == 200).hasSize(1);
        assertThat(codes).filteredOn(c -> c != 200).allMatch(c -> c == 403);

        long owners = QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "SELECT count(*) FROM workspace_member WHERE workspace_id = cast(?1 as uuid) AND role = 'owner'")
                .setParameter(1, team.workspaceId()).getSingleResult()).longValue());
        assertThat(owners).isEqualTo(1);
        team.owner().api().get("/api/v1/workspaces/" + team.workspaceId()).then().statusCode(200)
                .body("role", equalTo("admin"));
        team.owner().api().delete("/api/v1/workspaces/" + team.workspaceId()).then().statusCode(403);
    }

    static void awaitTrue(java.util.function.BooleanSupplier condition, Duration within) {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within " + within);
            }
            Tenant.sleep(100);
        }
    }
}
