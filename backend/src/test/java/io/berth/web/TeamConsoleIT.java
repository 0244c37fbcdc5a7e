package io.berth.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.microsoft.playwright.Page;
import com.microsoft.playwright.assertions.LocatorAssertions;

import io.berth.common.PrintableText;
import io.berth.e2e.Browser;
import io.berth.testing.Keycloak;
import io.berth.testing.RealStack;
import io.berth.testing.RealStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Two people in Chromium: one makes a team workspace and invites the other, who accepts by the link; roles change,
 * ownership moves, a member is removed. Every step through the console's forms (with their CSRF tokens).
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class TeamConsoleIT {

    static Browser browser;
    static String base;

    @BeforeAll
    static void start() {
        base = RealStack.get("BERTH_URL");
        browser = Browser.start();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
    }

    static void logIn(Page page, String url, Keycloak.TestUser user) {
        page.navigate(url);
        page.locator("#username").fill(user.username());
        page.locator("#password").fill(user.password());
        page.locator("#kc-login").click();
        page.waitForURL(Pattern.compile("^" + Pattern.quote(base) + ".*"));
    }

    @Test
    void inviteAcceptChangeRoleTransferAndRemove() {
        String suffix = Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        Keycloak.TestUser ann = Keycloak.createUser("team-ann-" + suffix);
        Keycloak.TestUser bob = Keycloak.createUser("team-bob-" + suffix);
        String workspaceUrl;
        String invitationUrl;

        try (Browser.Session a = browser.open()) {
            Page page = a.page;
            logIn(page, base + "/console", ann);
            page.locator("#new-ws").fill("Team space");
            page.locator("#new-ws").press("Enter");
            page.waitForURL(Pattern.compile(".*/console/workspaces/[0-9a-f-]+\\?done=created"));
            workspaceUrl = page.url().replaceFirst("\\?.*", "");
            assertThat(page.locator("#ws-status [data-status]")).hasText("ready",
                    new LocatorAssertions.HasTextOptions().setTimeout(60_000));

            page.locator("#invitee").fill(bob.email());
            page.locator("#invite-role").selectOption("developer");
            page.locator("#invitee").press("Enter");
            invitationUrl = page.locator("#invite-url").inputValue();
            assertThat(invitationUrl).startsWith(base + "/console/invitations/");
            assertThat(page.locator("main")).containsText("Pending invitations");
            a.screenshot("09-invitation-link");
        }

        try (Browser.Session b = browser.open()) {
            Page page = b.page;
            logIn(page, invitationUrl, bob);
            assertThat(page.locator("main")).containsText(ann.username() + " invites you to the workspace Team space");
            b.screenshot("09-invitation-accept");
            page.locator("button[value=accept]").click();
            page.waitForURL(Pattern.compile(".*\\?done=joined"));
            assertThat(page.locator("h1")).hasText("Team space");
            // A developer sees the members but cannot manage them.
            assertThat(page.locator("#invitee")).hasCount(0);
            // The link is single-use.
            page.navigate(invitationUrl);
            assertThat(page.locator("main")).containsText("can no longer be used");
        }

        try (Browser.Session a = browser.open()) {
            Page page = a.page;
            logIn(page, workspaceUrl, ann);
            assertThat(page.locator("main")).containsText(bob.username());
            page.locator("select[id^=role-]").selectOption("viewer");
            page.locator("select[id^=role-] + button").click();
            assertThat(page.locator(".flash.success")).hasText("Role changed.");
            page.locator("#transfer").selectOption(new com.microsoft.playwright.options.SelectOption()
                    .setLabel(bob.username()));
            page.locator("#transfer + button").click();
            assertThat(page.locator(".flash.success")).hasText("Ownership transferred.");
            assertThat(page.locator("#ws-status")).containsText("your role admin");
        }

        try (Browser.Session b = browser.open()) {
            Page page = b.page;
            logIn(page, workspaceUrl, bob);
            assertThat(page.locator("#ws-status")).containsText("your role owner");
            page.locator("tr", new Page.LocatorOptions().setHasText(ann.username()))
                    .locator("button:has-text('Remove')").click();
            assertThat(page.locator(".flash.success")).hasText("Member removed.");
            assertThat(page.locator("table.list").first()).not().containsText(ann.username());
        }
    }

    @Test
    void theFormsRefuseANameThatDoesNotPrintOnCreateAndRenameAndChangeNothing() {
        Keycloak.TestUser cy = Keycloak.createUser("form-cy-" + Long.toString(System.nanoTime() % 1_000_000_000L, 36));
        String refused = "Name: " + PrintableText.NON_PRINTING;
        try (Browser.Session s = browser.open()) {
            Page page = s.page;
            logIn(page, base + "/console", cy);
            page.locator("#new-ws").fill("evil\u2028current-context: x");
            page.locator("#new-ws").press("Enter");
            assertThat(page.locator(".flash.error")).hasText(refused);
            assertThat(page.locator("#new-ws")).hasAttribute("aria-invalid", "true");

            page.locator("#new-ws").fill("Fine name");
            page.locator("#new-ws").press("Enter");
            page.waitForURL(Pattern.compile(".*/console/workspaces/[0-9a-f-]+\\?done=created"));
            String workspaceUrl = page.url().replaceFirst("\\?.*", "");
            page.locator("#rename").fill("evil\u2029name");
            page.locator("#rename").press("Enter");
            assertThat(page.locator(".flash.error")).hasText(refused);
            page.navigate(workspaceUrl);
            assertThat(page.locator("h1")).hasText("Fine name");
        }
        List<String> names = given().baseUri(base).auth().oauth2(cy.token()).get("/api/v1/workspaces").then()
                .statusCode(200).extract().jsonPath().getList("displayName");
        assertThat(names).containsExactlyInAnyOrder(cy.username() + "'s workspace", "Fine name");
    }
}
