package io.berth.e2e;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.FormData;
import com.microsoft.playwright.options.RequestOptions;

import io.agroal.api.AgroalDataSource;
import io.berth.billing.BillingFixtures;
import io.berth.billing.BillingRuns;
import io.berth.billing.StatementService;
import io.berth.testing.DemoPods;
import io.berth.testing.Keycloak;
import io.berth.testing.Kubectl;
import io.berth.testing.Mailbox;
import io.berth.testing.RealStack;
import io.berth.testing.RealStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;

/**
 * What a new user and an admin do, in Debian's Chromium against the real Keycloak, backend, PostgreSQL and Kubernetes
 * control plane: sign up through Keycloak's registration form (verifying the address through the link Keycloak
 * mailed to the stack's sink), watch the personal workspace become ready, download
 * the kubeconfig and deploy with real kubectl, see seeded and rated usage in the charts (to the micro-unit of the
 * API's totals), make an API token; then an admin finds the user and the workspace, sees the same figures and acts.
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class PortalE2EIT {

    static Browser browser;
    static String base;

    @Inject
    AgroalDataSource ds;
    @Inject
    BillingRuns runs;
    @Inject
    StatementService statements;

    @BeforeAll
    static void startBrowser() {
        base = RealStack.get("BERTH_URL");
        browser = Browser.start();
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    /** The sum of a drawn chart's exact amounts, read from the Chart.js instance on the page. */
    static long chartMicros(Page page, String canvasId) {
        assertThat(page.locator("#" + canvasId)).hasAttribute("data-chart-drawn", "true");
        Object sum = page.evaluate("id => { const c = Chart.getChart(document.getElementById(id)); "
                + "return c.data.datasets.reduce((s, d) => s + d.micro.reduce((a, b) => a + b, 0), 0); }", canvasId);
        return ((Number) sum).longValue();
    }

    static RequestSpecification api(String token) {
        return given().baseUri(base).auth().oauth2(token);
    }

    @Test
    void aNewUserSignsUpDeploysSeesCostsAndAnAdminFindsThem() throws Exception {
        String username = "e2e" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        String password = "Pw-" + UUID.randomUUID();
        String personalId;
        String accountId;
        String namespace;
        long workspaceTotal;
        long accountDailyTotal;

        try (Browser.Session user = browser.open()) {
            Page page = user.page;

            // The landing page explains the service and lists prices from the plans.
            page.navigate(base + "/");
            assertThat(page.locator("h1")).containsText("Kubernetes workspace");
            assertThat(page.locator("#pricing")).containsText("per core-hour");
            assertThat(page.locator("#pricing")).containsText("Free");
            user.screenshot("01-landing");

            // Sign up: Keycloak's own registration form, reached through the login flow.
            page.locator("#signup").click();
            page.waitForURL(Pattern.compile(".*/realms/berth/.*"));
            assertThat(page.locator("#kc-register-form")).isVisible();
            page.locator("#username").fill(username);
            page.locator("#email").fill(username + "@example.test");
            page.locator("#firstName").fill("Erin");
            page.locator("#lastName").fill("Tester");
            page.locator("#password").fill(password);
            page.locator("#password-confirm").fill(password);
            user.screenshot("02-keycloak-registration");
            page.locator("#kc-form-buttons input[type=submit]").click();

            // The realm verifies addresses: Keycloak mails a link (to the stack's sink) and waits for it.
            assertThat(page.locator("body")).containsText("verify your email",
                    new com.microsoft.playwright.assertions.LocatorAssertions.ContainsTextOptions()
                            .setIgnoreCase(true));
            user.screenshot("02b-keycloak-verify-email");
            page.navigate(Mailbox.awaitLinks(username + "@example.test", 0, "/login-actions/action-token",
                    Duration.ofSeconds(60)).get(0));

            // Into the console, where the personal workspace becomes ready while the user watches.
            page.waitForURL(Pattern.compile(".*/console(\\?.*)?$"));
            assertThat(page.locator(".flash.success")).containsText("Welcome");
            assertThat(page.locator("#workspace-rows")).containsText(username + "'s workspace");
            assertThat(page.locator("#workspace-rows [data-status]").first()).hasText("ready",
                    new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions().setTimeout(60_000));
            user.screenshot("03-console");

            String userToken = Keycloak.accessToken(username, password);
            Map<String, Object> personal = api(userToken).get("/api/v1/workspaces").then().statusCode(200).extract()
                    .jsonPath().getMap("find { it.personal }");
            personalId = (String) personal.get("id");
            accountId = api(userToken).get("/api/v1/me").then().statusCode(200).extract().path("id");
            namespace = (String) personal.get("namespace");

            // Download the kubeconfig; its expiry is then shown.
            page.navigate(base + "/console/kubeconfig");
            Download download = page.waitForDownload(() -> page.locator("#download").click());
            String kubeconfig = Files.readString(download.path());
            assertThat(kubeconfig).contains("kind: Config").contains("namespace: " + namespace);
            page.reload();
            assertThat(page.locator("#expires")).not().hasText("—");
            page.locator("#show").click();
            assertThat(page.locator("#kubeconfig-text")).containsText("kind: Config");
            user.screenshot("04-kubeconfig");

            // Real kubectl with that file deploys the demo image into the workspace, as the README says, and it runs.
            Kubectl kubectl = Kubectl.withKubeconfig(kubeconfig);
            Kubectl.Result created = kubectl.run("create", "deployment", "web", "--image=" + DemoPods.WEB_IMAGE);
            assertThat(created.ok()).as(created.output()).isTrue();
            Kubectl.Result listed = kubectl.run("get", "deployment", "web", "-o", "jsonpath={.metadata.namespace}");
            assertThat(listed.ok()).as(listed.output()).isTrue();
            assertThat(listed.stdout()).isEqualTo(namespace);
            Kubectl.Result available = kubectl.run(java.time.Duration.ofSeconds(90), null, "wait",
                    "--for=condition=Available", "deployment/web", "--timeout=80s");
            assertThat(available.ok()).as(available.output()).isTrue();
            assertThat(kubectl.run("get", "pods", "-l", "app=web", "-o", "jsonpath={.items[0].status.phase}")
                    .stdout()).isEqualTo("Running");

            // A second workspace: create, watch it provision, rename, delete with confirmation.
            page.navigate(base + "/console");
            page.locator("#new-ws").fill("E2E team");
            page.locator("#new-ws").press("Enter");
            page.waitForURL(Pattern.compile(".*/console/workspaces/[0-9a-f-]+\\?done=created"));
            assertThat(page.locator("#ws-status [data-status]")).hasText("ready",
                    new com.microsoft.playwright.assertions.LocatorAssertions.HasTextOptions().setTimeout(60_000));
            page.locator("#rename").fill("E2E team (renamed)");
            page.locator("#rename").press("Enter");
            assertThat(page.locator("h1")).hasText("E2E team (renamed)");
            String teamNamespace = page.locator("#ws-status code").first().textContent();
            page.locator("a.button.danger").click();
            page.locator("#confirm").fill(teamNamespace);
            user.screenshot("05-delete-confirmation");
            page.locator("button.danger[type=submit]").click();
            page.waitForURL(Pattern.compile(".*/console\\?done=deleted"));
            assertThat(page.locator("#workspace-rows")).not().containsText("E2E team (renamed)");

            // Forms are CSRF-protected: the same session posting without the form's token is refused.
            APIResponse forged = page.request().post(base + "/console/workspaces",
                    RequestOptions.create().setForm(FormData.create().set("displayName", "forged"))
                            .setMaxRedirects(0));
            assertThat(forged.status()).isEqualTo(403);
            assertThat(api(userToken).get("/api/v1/workspaces").then().extract().jsonPath().getList("displayName"))
                    .doesNotContain("forged");

            // Usage rows in the metering tables for two closed hours, rated as the billing job would.
            OffsetDateTime h1 = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.HOURS).minusHours(3);
            OffsetDateTime h2 = h1.plusHours(1);
            BillingFixtures fixtures = new BillingFixtures(ds);
            BillingFixtures.Ws ws = new BillingFixtures.Ws(UUID.fromString(personalId), namespace);
            UUID pod = UUID.randomUUID();
            // 250m requested and 600m used, 256 MiB requested and 700 MiB used, for both hours.
            fixtures.podFor(ws, pod, h1, 60, 36_000_000, 250, 700 * BillingFixtures.MIB, 256 * BillingFixtures.MIB);
            fixtures.podFor(ws, pod, h2, 60, 36_000_000, 250, 700 * BillingFixtures.MIB, 256 * BillingFixtures.MIB);
            fixtures.object(ws, UUID.randomUUID(), "pvc", h2, 60, 5 * BillingFixtures.GIB);
            runs.rateHour(h1);
            runs.rateHour(h2);

            workspaceTotal = ((Number) api(userToken).queryParam("workspaceId", personalId)
                    .get("/api/v1/billing/usage").then().statusCode(200).extract().path("totalMicro")).longValue();
            accountDailyTotal = ((Number) api(userToken).queryParam("granularity", "day")
                    .get("/api/v1/billing/usage").then().statusCode(200).extract().path("totalMicro")).longValue();
            assertThat(workspaceTotal).isPositive();
            assertThat(accountDailyTotal).isGreaterThanOrEqualTo(workspaceTotal);

            // The workspace's charts draw those rows; their amounts sum to the API's total.
            page.navigate(base + "/console/workspaces/" + personalId);
            assertThat(page.locator("#usage-total")).hasAttribute("data-total-micro", Long.toString(workspaceTotal));
            assertThat(chartMicros(page, "cost-" + personalId)).isEqualTo(workspaceTotal);
            assertThat(page.locator("#usage-" + personalId)).hasAttribute("data-chart-drawn", "true");
            assertThat(page.locator("ul.bars meter").first()).isVisible();
            user.screenshot("06-workspace");

            // Daily view through htmx, and the account's billing page.
            page.locator("#usage nav.toggle a", new Page.LocatorOptions().setHasText("Daily")).click();
            assertThat(page.locator("#usage nav.toggle a[aria-current]")).containsText("Daily");
            assertThat(chartMicros(page, "cost-" + personalId)).isEqualTo(((Number) api(userToken)
                    .queryParam("workspaceId", personalId).queryParam("granularity", "day")
                    .get("/api/v1/billing/usage").then().extract().path("totalMicro")).longValue());
            // A statement of this month, and a voucher from an admin to redeem.
            StatementService.Statement statement = statements.issue(UUID.fromString(accountId),
                    YearMonth.now(ZoneOffset.UTC));
            String code = (String) api(Keycloak.demoAdminToken()).contentType("application/json")
                    .body(Map.of("name", "E2E welcome", "amountMicro", 10_000_000, "count", 1, "expiresAt",
                            OffsetDateTime.now(ZoneOffset.UTC).plusDays(7).toString()))
                    .post("/api/v1/admin/billing/voucher-batches").then().statusCode(200).extract()
                    .jsonPath().getList("codes").get(0);
            page.navigate(base + "/console/billing");
            assertThat(chartMicros(page, "cost-account")).isEqualTo(accountDailyTotal);
            assertThat(page.locator("#ledger")).containsText("Sign-up credit");
            page.locator("#code").fill(code);
            page.locator("#code").press("Enter");
            assertThat(page.locator(".flash.info")).containsText("Voucher redeemed: 10.00");
            assertThat(page.locator("#balance")).hasAttribute("data-balance-micro", Long.toString(((Number) api(
                    userToken).get("/api/v1/billing/balance").then().extract().path("balanceMicro")).longValue()));
            Download csv = page.waitForDownload(() -> page.locator("a[href$='/csv']").first().click());
            assertThat(Files.readString(csv.path())).contains(statement.number() + "," + statement.month())
                    .contains(",total,");
            user.screenshot("07-billing");

            // An API token made in the browser, shown once, works read-only.
            page.navigate(base + "/console/tokens");
            page.locator("#token-name").fill("laptop, read only");
            page.locator("#token-form button[type=submit]").click();
            String apiToken = page.locator("#token-value").inputValue();
            assertThat(apiToken).startsWith("berth_pat_");
            user.screenshot("08-api-tokens");
            api(apiToken).get("/api/v1/workspaces").then().statusCode(200);
            api(apiToken).contentType("application/json").body(Map.of("displayName", "x"))
                    .post("/api/v1/workspaces").then().statusCode(403);
            page.navigate(base + "/console/tokens");
            assertThat(page.locator("#tokens")).containsText("laptop, read only");
            assertThat(page.locator("main")).not().containsText(apiToken.substring(14));

            // Log out: back on the front page, and the console asks for a login again.
            page.locator("header a", new Page.LocatorOptions().setHasText("Log out")).click();
            page.waitForURL(Pattern.compile("^" + Pattern.quote(base) + "/(\\?.*)?$"));
            assertThat(page.locator("#signup")).isVisible();
            page.navigate(base + "/console");
            assertThat(page).hasURL(Pattern.compile(".*/realms/berth/.*"));
        }

        try (Browser.Session admin = browser.open()) {
            Page page = admin.page;
            page.navigate(base + "/admin");
            page.locator("#username").fill(RealStack.get("DEMO_ADMIN"));
            page.locator("#password").fill(RealStack.get("DEMO_ADMIN_PASSWORD"));
            page.locator("#kc-login").click();
            page.waitForURL(base + "/admin");
            assertThat(page.locator("#admin-revenue")).hasAttribute("data-chart-drawn", "true");
            assertThat(chartMicros(page, "admin-cluster-cost")).isGreaterThanOrEqualTo(workspaceTotal);
            admin.screenshot("10-admin-overview");

            // The new user, found by search.
            page.navigate(base + "/admin/accounts");
            page.locator("#q").fill(username);
            page.locator("#q").press("Enter");
            assertThat(page.locator("#accounts tbody tr")).hasCount(1);
            admin.screenshot("11-admin-accounts");
            page.locator("#accounts tbody a", new Page.LocatorOptions().setHasText(username)).click();
            assertThat(page.locator("h1")).hasText(username);
            assertThat(page.locator("main")).containsText(namespace);
            // The admin sees the user's own figures.
            assertThat(chartMicros(page, "admin-account-cost")).isEqualTo(accountDailyTotal);
            admin.screenshot("12-admin-account");

            // An action, and its audit entry.
            page.locator("#amount").fill("1.50");
            page.locator("#reason").fill("E2E goodwill credit");
            page.locator("#adjust-heading + form button[type=submit]").click();
            assertThat(page.locator(".flash.success")).containsText("Balance adjusted");
            page.navigate(base + "/admin/audit");
            assertThat(page.locator("table.audit")).containsText("balance.credit");
            assertThat(page.locator("table.audit")).containsText(username);
            admin.screenshot("13-admin-audit");

            // And the workspace, found by its namespace.
            page.navigate(base + "/admin/workspaces?q=" + namespace);
            assertThat(page.locator("#workspaces tbody tr")).hasCount(1);
            assertThat(page.locator("#workspaces")).containsText(username);
            admin.screenshot("14-admin-workspaces");
        }
    }
}
