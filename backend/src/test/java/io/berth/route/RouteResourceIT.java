package io.berth.route;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.microsoft.playwright.Page;

import io.berth.Tenant;
import io.berth.e2e.Browser;
import io.berth.testing.Kube;
import io.berth.testing.Kubectl;
import io.berth.testing.RealStack;
import io.berth.testing.RealStackResource;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * A workspace's routes in the API and the console (issue 15): a tenant publishes with kubectl, and the members see
 * each route with its URL and status; anyone else gets the same 404 as for the workspace itself.
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RouteResourceIT {

    KubernetesClient admin;
    Tenant tenant;
    String workspaceId;
    String ns;
    String domain;
    Kubectl kubectl;

    @BeforeAll
    void aTenantPublishesAnApp() {
        admin = Kube.admin();
        domain = admin.configMaps().inNamespace("berth-system").withName("berth-apps").get().getData()
                .get("appsDomain");
        tenant = Tenant.signUp("routes-api");
        workspaceId = tenant.personalWorkspaceId();
        ns = tenant.awaitReady(workspaceId).getString("namespace");
        kubectl = tenant.kubectl();
        String service = """
                {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "shop", "namespace": "%s"},
                 "spec": {"selector": {"app": "shop"}, "ports": [{"port": 80, "targetPort": 8080}]}}
                """.formatted(ns);
        Kubectl.Result s = kubectl.apply(service);
        assertThat(s.ok()).as(s.output()).isTrue();
        String route = """
                {"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
                 "metadata": {"name": "shop", "namespace": "%1$s"},
                 "spec": {"parentRefs": [{"name": "berth-apps"}], "hostnames": ["shop.%1$s.%2$s"],
                          "rules": [{"backendRefs": [{"name": "shop", "port": 80}]}]}}
                """.formatted(ns, domain);
        Kubectl.Result r = kubectl.apply(route);
        assertThat(r.ok()).as(r.output()).isTrue();
        String ingress = """
                {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "blog", "namespace": "%1$s"},
                 "spec": {"rules": [{"host": "blog.%1$s.%2$s", "http": {"paths": [{"path": "/", "pathType": "Prefix",
                   "backend": {"service": {"name": "shop", "port": {"number": 80}}}}]}}]}}
                """
                .formatted(ns, domain);
        Kubectl.Result i = kubectl.apply(ingress);
        assertThat(i.ok()).as(i.output()).isTrue();
    }

    @Test
    void membersSeeEachRouteWithItsUrlAndStatus() {
        JsonPath routes = awaitRoutes(2);
        String shopHost = "shop." + ns + "." + domain;
        // A host outside the suffix ("not verified", RouteViewsTest) cannot be created: the route guard refuses it.
        assertThat(routes.getList("kind")).containsExactly("HTTPRoute", "Ingress");
        assertThat(routes.getList("name")).containsExactly("shop", "blog");

        Map<String, Object> shop = routes.getMap("[0]");
        assertThat(shop.get("hostnames")).isEqualTo(List.of(shopHost));
        assertThat(shop.get("urls")).isEqualTo(List.of("https://" + shopHost + "/"));
        assertThat(shop.get("status")).isEqualTo(expectedStatus("shop"));

        Map<String, Object> blog = routes.getMap("[1]");
        assertThat(blog.get("urls")).isEqualTo(List.of("https://blog." + ns + "." + domain + "/"));
        assertThat(blog.get("status")).isEqualTo("accepted");
    }

    @Test
    void aNonMemberGetsTheWorkspacesNotFound() {
        Tenant stranger = Tenant.signUp("routes-stranger");
        stranger.api().get("/api/v1/workspaces/" + workspaceId + "/routes").then().statusCode(404)
                .contentType("application/problem+json").body("detail", equalTo("No workspace " + workspaceId));
    }

    @Test
    void theConsoleShowsTheRoutesWithTheirLinksAndStatus() {
        awaitRoutes(2);
        String base = RealStack.get("BERTH_URL");
        try (Browser browser = Browser.start(); Browser.Session s = browser.open()) {
            Page page = s.page;
            page.navigate(base + "/console/workspaces/" + workspaceId);
            page.locator("#username").fill(tenant.user.username());
            page.locator("#password").fill(tenant.user.password());
            page.locator("#kc-login").click();
            page.waitForURL(Pattern.compile("^" + Pattern.quote(base) + ".*"));
            var shopRow = page.locator("#routes tr[data-route='HTTPRoute/shop']");
            assertThat(shopRow.locator("a")).hasAttribute("href", "https://shop." + ns + "." + domain + "/");
            assertThat(shopRow.locator("[data-route-status]")).hasText(expectedStatus("shop"));
            assertThat(page.locator("#routes tr[data-route='Ingress/blog'] a"))
                    .hasAttribute("href", "https://blog." + ns + "." + domain + "/");
            s.screenshot("15-routes");
        }
    }

    /** What the gateway said about the route, if anything: the API must say the same. */
    private String expectedStatus(String name) {
        HTTPRoute r = admin.resources(HTTPRoute.class).inNamespace(ns).withName(name).get();
        var accepted = RouteViews.acceptedCondition(r.getStatus() == null ? null : r.getStatus().getParents(), ns);
        if (accepted == null) {
            return "pending";
        }
        return "True".equals(accepted.getStatus()) ? "accepted" : "conflicting host";
    }

    private JsonPath awaitRoutes(int count) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        JsonPath routes;
        do {
            routes = tenant.api().get("/api/v1/workspaces/" + workspaceId + "/routes").then().statusCode(200)
                    .extract().jsonPath();
            if (routes.getList("$").size() == count) {
                return routes;
            }
            Tenant.sleep(50);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("expected " + count + " routes: " + routes.prettify());
    }
}
