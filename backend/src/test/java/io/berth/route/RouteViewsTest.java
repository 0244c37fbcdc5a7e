package io.berth.route;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;

class RouteViewsTest {

    private static final String NS = "ws-abc";
    private static final String DOMAIN = "apps.example";

    @Test
    void anAcceptedRouteUnderTheSuffixHasItsUrl() {
        HTTPRoute r = route(NS, "shop", "2026-01-01T00:00:00Z", "True", "Accepted", "shop.ws-abc.apps.example");
        RouteView v = only(List.of(r));
        assertThat(v).isEqualTo(new RouteView("HTTPRoute", "shop", List.of("shop.ws-abc.apps.example"),
                List.of("https://shop.ws-abc.apps.example/"), RouteView.ACCEPTED, null));
    }

    @Test
    void noStatusYetIsPending() {
        RouteView v = only(List.of(route(NS, "shop", "2026-01-01T00:00:00Z", null, null, "a.ws-abc.apps.example")));
        assertThat(v.status()).isEqualTo(RouteView.PENDING);
        assertThat(v.urls()).containsExactly("https://a.ws-abc.apps.example/");
    }

    @Test
    void theGatewaysRefusalIsAConflictingHostWithItsReason() {
        RouteView v = only(List.of(route(NS, "shop", "2026-01-01T00:00:00Z", "False", "HostnameConflict",
                "a.ws-abc.apps.example")));
        assertThat(v.status()).isEqualTo(RouteView.CONFLICTING_HOST);
        assertThat(v.statusReason()).isEqualTo("HostnameConflict: refused");
    }

    @Test
    void aHostOutsideTheSuffixIsNotVerifiedAndGetsNoUrl() {
        for (String host : List.of("shop.example.com", "ws-abc.apps.example", "x.ws-abcd.apps.example",
                "*.ws-abc.apps.example", "a.ws-abc.apps.example.evil.com")) {
            RouteView v = only(List.of(route(NS, "r", "2026-01-01T00:00:00Z", "False", "NoMatchingListenerHostname",
                    "ok.ws-abc.apps.example", host)));
            assertThat(v.status()).as(host).isEqualTo(RouteView.NOT_VERIFIED);
            assertThat(v.statusReason()).isEqualTo("The host " + host + " is not under this workspace's suffix "
                    + ".ws-abc.apps.example and is not a domain verified for this workspace");
            assertThat(v.urls()).containsExactly("https://ok.ws-abc.apps.example/");
        }
    }

    @Test
    void aVerifiedCustomDomainIsTheWorkspacesAndGetsItsUrl() {
        HTTPRoute r = route(NS, "r", "2026-01-01T00:00:00Z", "True", "Accepted", "ok.ws-abc.apps.example",
                "shop.example.com");
        List<RouteView> views = RouteViews.of(NS, "apps.example", java.util.Set.of("shop.example.com"), List.of(r),
                List.of(), List.of(), RouteViews.claims(List.of(r), List.of(), List.of()));
        assertThat(views).singleElement().satisfies(v -> {
            assertThat(v.status()).isEqualTo(RouteView.ACCEPTED);
            assertThat(v.urls()).containsExactly("https://ok.ws-abc.apps.example/", "https://shop.example.com/");
        });
        // Verified for the workspace means exactly that name: a subdomain of it is not.
        HTTPRoute sub = route(NS, "sub", "2026-01-01T00:00:00Z", "True", "Accepted", "www.shop.example.com");
        assertThat(RouteViews.of(NS, "apps.example", java.util.Set.of("shop.example.com"), List.of(sub), List.of(),
                List.of(), RouteViews.claims(List.of(sub), List.of(), List.of()))).singleElement()
                .satisfies(v -> assertThat(v.status()).isEqualTo(RouteView.NOT_VERIFIED));
    }

    @Test
    void aHostAnotherWorkspaceClaimedFirstConflictsAndTheFirstKeepsIt() {
        HTTPRoute mine = route(NS, "mine", "2026-02-01T00:00:00Z", "True", "Accepted", "shop.example.com");
        HTTPRoute theirs = route("ws-other", "theirs", "2026-01-01T00:00:00Z", "True", "Accepted",
                "shop.example.com");
        var claims = RouteViews.claims(List.of(mine, theirs), List.of(), List.of());
        RouteView v = RouteViews.of(NS, DOMAIN, List.of(mine), List.of(), List.of(), claims).get(0);
        assertThat(v.status()).isEqualTo(RouteView.CONFLICTING_HOST);
        assertThat(v.statusReason()).isEqualTo("Another workspace's route already has the host shop.example.com");
        RouteView first = RouteViews.of("ws-other", DOMAIN, List.of(theirs), List.of(), List.of(), claims).get(0);
        assertThat(first.status()).isNotEqualTo(RouteView.CONFLICTING_HOST);
    }

    @Test
    void twoRoutesOfOneWorkspaceMayShareAHost() {
        HTTPRoute a = route(NS, "a", "2026-01-01T00:00:00Z", "True", "Accepted", "s.ws-abc.apps.example");
        HTTPRoute b = route(NS, "b", "2026-01-02T00:00:00Z", "True", "Accepted", "s.ws-abc.apps.example");
        assertThat(RouteViews.of(NS, DOMAIN, List.of(b, a), List.of(), List.of(),
                RouteViews.claims(List.of(a, b), List.of(), List.of())))
                .extracting(RouteView::name, RouteView::status)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a", RouteView.ACCEPTED),
                        org.assertj.core.groups.Tuple.tuple("b", RouteView.ACCEPTED));
    }

    @Test
    void anIngressOfTheGatewaysClassIsAcceptedAndOneOfAnotherClassIsPending() {
        Ingress ours = GatewayPoliciesTest.ingress("web", null, "a", 80, null);
        Ingress other = GatewayPoliciesTest.ingress("other", "nginx", "a", 80, null);
        List<RouteView> views = RouteViews.of(NS, DOMAIN, List.of(), List.of(), List.of(ours, other),
                Map.of());
        assertThat(views).extracting(RouteView::name, RouteView::status, RouteView::urls).containsExactly(
                org.assertj.core.groups.Tuple.tuple("other", RouteView.PENDING,
                        List.of("https://x.ws-abc.apps.example/")),
                org.assertj.core.groups.Tuple.tuple("web", RouteView.ACCEPTED,
                        List.of("https://x.ws-abc.apps.example/")));
    }

    private static RouteView only(List<HTTPRoute> routes) {
        List<RouteView> views = RouteViews.of(NS, DOMAIN, routes, List.of(), List.of(),
                RouteViews.claims(routes, List.of(), List.of()));
        assertThat(views).hasSize(1);
        return views.get(0);
    }

    static HTTPRoute route(String ns, String name, String created, String accepted, String reason,
            String... hosts) {
        var b = new HTTPRouteBuilder().withNewMetadata().withName(name).withNamespace(ns)
                .withCreationTimestamp(created).endMetadata().withNewSpec().addNewParentRef().withName("berth-apps")
                .endParentRef().withHostnames(hosts).endSpec();
        if (accepted != null) {
            b.withNewStatus().addNewParent().withControllerName("traefik.io/gateway-controller").withNewParentRef()
                    .withName("berth-apps").endParentRef()
                    .withConditions(new io.fabric8.kubernetes.api.model.ConditionBuilder().withType("Accepted")
                            .withStatus(accepted).withReason(reason)
                            .withMessage(accepted.equals("True") ? "" : "refused")
                            .build())
                    .endParent().endStatus();
        }
        return b.build();
    }
}
