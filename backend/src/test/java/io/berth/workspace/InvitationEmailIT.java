package io.berth.workspace;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;

import io.berth.Tenant;
import io.berth.e2e.Browser;
import io.berth.testing.Keycloak;
import io.berth.testing.Mailbox;
import io.berth.testing.RealStack;
import io.berth.testing.RealStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResourceManager;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/**
 * Invitations by e-mail against the real Keycloak, whose realm verifies addresses and mails through the stack's real
 * SMTP sink: an address typed into one's own Keycloak account takes no invitation until the link Keycloak mailed to
 * it has been opened; sign-up mails that link.
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class InvitationEmailIT {

    static Browser browser;

    @BeforeAll
    static void start() {
        browser = Browser.start();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
    }

    static RequestSpecification as(Keycloak.Tokens session) {
        return given().baseUri(TestHTTPResourceManager.getUri()).auth().oauth2(session.access())
                .contentType(ContentType.JSON);
    }

    static List<String> memberNames(Tenant owner, String workspaceId) {
        return owner.api().get("/api/v1/workspaces/" + workspaceId + "/members").then().statusCode(200).extract()
                .jsonPath().getList("username");
    }

    @Test
    void anInvitationToAnAddressIsTakenOnlyOnceThatAddressIsVerifiedThroughTheMailedLink() {
        String suffix = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        Tenant owner = Tenant.signUp("mail-owner");
        String workspaceId = owner.createWorkspace("Mail team");
        String invited = "mail-invited-" + suffix + "@example.test";
        String token = owner.invite(workspaceId, invited, "developer");

        // Someone with an account of their own types the invited address into it: Keycloak holds it unverified, and
        // the session's next tokens carry it with email_verified false.
        Keycloak.TestUser user = Keycloak.createUser("mail-newcomer-" + suffix);
        Keycloak.Tokens session = Keycloak.tokens(user.username(), user.password());
        as(session).get("/api/v1/me").then().statusCode(200).body("emailVerified", equalTo(true));
        user = Keycloak.changeEmail(user, invited);
        session = Keycloak.refresh(session);
        as(session).get("/api/v1/me").then().statusCode(200).body("email", equalTo(invited))
                .body("emailVerified", equalTo(false));

        // (a) The invitation is not theirs: not listed, and accepting it is refused; nothing changes.
        assertThat(as(session).get("/api/v1/invitations").then().statusCode(200).extract().jsonPath()
                .getList("workspaceId")).doesNotContain(workspaceId);
        as(session).body(Map.of("token", token)).post("/api/v1/invitations/accept").then().statusCode(403)
                .contentType("application/problem+json").body("status", equalTo(403))
                .body("detail", equalTo("This invitation is for another person"));
        assertThat(memberNames(owner, workspaceId)).containsExactly(owner.username());
        owner.api().get("/api/v1/workspaces/" + workspaceId + "/invitations").then().statusCode(200)
                .body("find { it.invitee == '" + invited + "' }.status", equalTo("pending"));

        // (b) Keycloak mails the verification link to the address, through the real sink; opening it verifies.
        assertThat(Keycloak.emailVerified(user)).isFalse();
        Keycloak.verifyThroughMail(user);
        assertThat(Keycloak.emailVerified(user)).isTrue();
        session = Keycloak.refresh(session);
        as(session).get("/api/v1/me").then().statusCode(200).body("emailVerified", equalTo(true));
        assertThat(as(session).get("/api/v1/invitations").then().statusCode(200).extract().jsonPath()
                .getList("workspaceId")).contains(workspaceId);
        as(session).body(Map.of("token", token)).post("/api/v1/invitations/accept").then().statusCode(200)
                .body("id", equalTo(workspaceId)).body("role", equalTo("developer"));
        assertThat(memberNames(owner, workspaceId)).containsExactlyInAnyOrder(owner.username(), user.username());
    }

    @Test
    void aUsernameThatLooksLikeTheInvitedAddressTakesNothing() {
        String suffix = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        Tenant owner = Tenant.signUp("mail-owner2");
        String workspaceId = owner.createWorkspace("Name team");
        String invited = "mail-named-" + suffix + "@example.test";
        String token = owner.invite(workspaceId, invited, "viewer");
        // Keycloak allows an '@' in usernames; this one spells the invited address, its own e-mail is another.
        Keycloak.TestUser poser = Keycloak.createUser(invited, "mail-poser-" + suffix + "@example.test");
        Keycloak.Tokens session = Keycloak.tokens(poser.username(), poser.password());
        as(session).body(Map.of("token", token)).post("/api/v1/invitations/accept").then().statusCode(403)
                .contentType("application/problem+json")
                .body("detail", equalTo("This invitation is for another person"));
        assertThat(memberNames(owner, workspaceId)).containsExactly(owner.username());
    }

    @Test
    void signUpMailsAVerificationLinkToTheSinkAndTheConsoleOpensOnlyAfterIt() {
        String username = "mailsign" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        String email = username + "@example.test";
        String password = "Pw-" + UUID.randomUUID();
        String base = RealStack.get("BERTH_URL");
        try (Browser.Session session = browser.open()) {
            Page page = session.page;
            page.navigate(base + "/");
            page.locator("#signup").click();
            page.waitForURL(Pattern.compile(".*/realms/berth/.*"));
            page.locator("#username").fill(username);
            page.locator("#email").fill(email);
            page.locator("#firstName").fill("Mia");
            page.locator("#lastName").fill("Mail");
            page.locator("#password").fill(password);
            page.locator("#password-confirm").fill(password);
            page.locator("#kc-form-buttons input[type=submit]").click();

            // Keycloak stops at its "verify your e-mail" page; Berth has not been reached.
            assertThat(page.locator("body")).containsText("verify your email",
                    new LocatorAssertions.ContainsTextOptions().setIgnoreCase(true));
            assertThat(page.url()).doesNotContain("/console");
            session.screenshot("mail-01-verify-email");

            // (c) The mail arrived in the sink, to this address, with a link into this realm.
            String link = Mailbox.awaitLinks(email, 0, "/login-actions/action-token", Duration.ofSeconds(60)).get(0);
            assertThat(Mailbox.to(email)).hasSize(1);
            assertThat(Mailbox.newest(email)).contains("Subject: Verify email");
            assertThat(link).startsWith(RealStack.get("KEYCLOAK_URL") + "/realms/berth/");

            page.navigate(link);
            page.waitForURL(Pattern.compile(".*/console(\\?.*)?$"));
            assertThat(page.locator(".flash.success")).containsText("Welcome");
        }
        String token = Keycloak.accessToken(username, password);
        given().baseUri(TestHTTPResourceManager.getUri()).auth().oauth2(token).get("/api/v1/me").then()
                .statusCode(200).body("email", equalTo(email)).body("emailVerified", equalTo(true));
    }
}
