package io.berth.route;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ParentReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.RouteParentStatus;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;

/**
 * A workspace's routes as its members see them, as a pure function of the routes: each host under the workspace's
 * suffix {@code .<namespace>.<appsDomain>} gets its URL, and the status says whether the gateway serves the route.
 */
final class RouteViews {

    static final String GATEWAY = "berth-apps";

    private RouteViews() {
    }

    /** Who claimed a host first, cluster-wide: the oldest route (then the smallest name) holds it. */
    record Claim(String namespace, String kind, String name, String createdAt) {
    }

    /**
     * The views of one namespace's routes, HTTPRoutes first, then GRPCRoutes, then Ingresses, each by name.
     * {@code claims} maps every host to the route in the cluster that holds it; a host held by a route of another
     * namespace conflicts (routes of one workspace may share a host: the gateway merges them by path).
     */
    static List<RouteView> of(String namespace, String appsDomain, List<HTTPRoute> httpRoutes,
            List<GRPCRoute> grpcRoutes, List<Ingress> ingresses, Map<String, Claim> claims) {
        return of(namespace, appsDomain, Set.of(), httpRoutes, grpcRoutes, ingresses, claims);
    }

    /**
     * As above, for a workspace with these verified custom domains (its namespace's annotation
     * {@code berth.io/verified-domains}): a route's host that is one of them is the workspace's as much as a name
     * under its suffix, and gets its URL.
     */
    static List<RouteView> of(String namespace, String appsDomain, Set<String> verified, List<HTTPRoute> httpRoutes,
            List<GRPCRoute> grpcRoutes, List<Ingress> ingresses, Map<String, Claim> claims) {
        List<RouteView> views = new ArrayList<>();
        for (HTTPRoute r : sorted(httpRoutes)) {
            List<String> hosts = r.getSpec() == null ? List.of() : nonNull(r.getSpec().getHostnames());
            views.add(view("HTTPRoute", r, namespace, appsDomain, verified, hosts, r.getStatus() == null
                    ? null
                    : r.getStatus().getParents(), claims));
        }
        for (GRPCRoute r : sorted(grpcRoutes)) {
            List<String> hosts = r.getSpec() == null ? List.of() : nonNull(r.getSpec().getHostnames());
            views.add(view("GRPCRoute", r, namespace, appsDomain, verified, hosts, r.getStatus() == null
                    ? null
                    : r.getStatus().getParents(), claims));
        }
        for (Ingress i : sorted(ingresses)) {
            views.add(ingressView(i, namespace, appsDomain, verified, claims));
        }
        return views;
    }

    /** Every host of every route given, with the route that holds it. */
    static Map<String, Claim> claims(List<HTTPRoute> httpRoutes, List<GRPCRoute> grpcRoutes,
            List<Ingress> ingresses) {
        Map<String, Claim> claims = new HashMap<>();
        for (HTTPRoute r : httpRoutes) {
            claim(claims, "HTTPRoute", r, r.getSpec() == null ? List.of() : nonNull(r.getSpec().getHostnames()));
        }
        for (GRPCRoute r : grpcRoutes) {
            claim(claims, "GRPCRoute", r, r.getSpec() == null ? List.of() : nonNull(r.getSpec().getHostnames()));
        }
        for (Ingress i : ingresses) {
            if (i.getSpec() != null && GatewayPolicies.servedByTheGateway(i)) {
                claim(claims, "Ingress", i, ingressHosts(i));
            }
        }
        return claims;
    }

    private static void claim(Map<String, Claim> claims, String kind, HasMetadata route, List<String> hosts) {
        Claim mine = new Claim(route.getMetadata().getNamespace(), kind, route.getMetadata().getName(),
                route.getMetadata().getCreationTimestamp() == null ? "" : route.getMetadata().getCreationTimestamp());
        for (String host : hosts) {
            claims.merge(host.toLowerCase(Locale.ROOT), mine, (a, b) -> older(a, b) ? a : b);
        }
    }

    private static boolean older(Claim a, Claim b) {
        // RFC 3339 timestamps of one format compare as text.
        int byTime = a.createdAt().compareTo(b.createdAt());
        if (byTime != 0) {
            return byTime < 0;
        }
        return (a.namespace() + "/" + a.name()).compareTo(b.namespace() + "/" + b.name()) <= 0;
    }

    private static RouteView view(String kind, HasMetadata route, String namespace, String appsDomain,
            Set<String> verified, List<String> hosts, List<RouteParentStatus> parents, Map<String, Claim> claims) {
        List<String> urls = urls(hosts, namespace, appsDomain, verified);
        String conflict = conflict(hosts, namespace, claims);
        if (conflict != null) {
            return new RouteView(kind, route.getMetadata().getName(), hosts, urls, RouteView.CONFLICTING_HOST,
                    conflict);
        }
        String outside = outside(hosts, namespace, appsDomain, verified);
        if (outside != null) {
            return new RouteView(kind, route.getMetadata().getName(), hosts, urls, RouteView.NOT_VERIFIED,
                    outside);
        }
        Condition accepted = acceptedCondition(parents, namespace);
        if (accepted != null && "False".equals(accepted.getStatus())) {
            return new RouteView(kind, route.getMetadata().getName(), hosts, urls, RouteView.CONFLICTING_HOST,
                    reason(accepted));
        }
        if (accepted != null && "True".equals(accepted.getStatus())) {
            return new RouteView(kind, route.getMetadata().getName(), hosts, urls, RouteView.ACCEPTED, null);
        }
        return new RouteView(kind, route.getMetadata().getName(), hosts, urls, RouteView.PENDING,
                "The gateway has not taken this route yet; routes attach to the Gateway " + GATEWAY);
    }

    /**
     * An Ingress has no acceptance condition: Traefik serves every Ingress of its class, and the ingress guard
     * admitted only hosts under the workspace's suffix.
     */
    private static RouteView ingressView(Ingress i, String namespace, String appsDomain, Set<String> verified,
            Map<String, Claim> claims) {
        List<String> hosts = ingressHosts(i);
        List<String> urls = urls(hosts, namespace, appsDomain, verified);
        String name = i.getMetadata().getName();
        if (i.getSpec() == null || !GatewayPolicies.servedByTheGateway(i)) {
            return new RouteView("Ingress", name, hosts, urls, RouteView.PENDING,
                    "Not of the IngressClass " + GatewayPolicies.INGRESS_CLASS + ", so the gateway does not serve it");
        }
        String conflict = conflict(hosts, namespace, claims);
        if (conflict != null) {
            return new RouteView("Ingress", name, hosts, urls, RouteView.CONFLICTING_HOST, conflict);
        }
        String outside = outside(hosts, namespace, appsDomain, verified);
        if (outside != null) {
            return new RouteView("Ingress", name, hosts, urls, RouteView.NOT_VERIFIED, outside);
        }
        return new RouteView("Ingress", name, hosts, urls, RouteView.ACCEPTED, null);
    }

    /** The Accepted condition the gateway wrote for the parent berth-apps (of this namespace). */
    static Condition acceptedCondition(List<RouteParentStatus> parents, String namespace) {
        for (RouteParentStatus p : nonNull(parents)) {
            ParentReference ref = p.getParentRef();
            boolean gateway = ref != null && GATEWAY.equals(ref.getName())
                    && (ref.getNamespace() == null || namespace.equals(ref.getNamespace()))
                    && (ref.getKind() == null || "Gateway".equals(ref.getKind()));
            if (gateway) {
                for (Condition c : nonNull(p.getConditions())) {
                    if ("Accepted".equals(c.getType())) {
                        return c;
                    }
                }
            }
        }
        return null;
    }

    private static String reason(Condition c) {
        String reason = c.getReason() == null ? "NotAccepted" : c.getReason();
        return c.getMessage() == null || c.getMessage().isBlank() ? reason : reason + ": " + c.getMessage();
    }

    private static String conflict(List<String> hosts, String namespace, Map<String, Claim> claims) {
        for (String host : hosts) {
            Claim holder = claims.get(host.toLowerCase(Locale.ROOT));
            if (holder != null && !namespace.equals(holder.namespace())) {
                return "Another workspace's route already has the host " + host;
            }
        }
        return null;
    }

    private static String outside(List<String> hosts, String namespace, String appsDomain, Set<String> verified) {
        for (String host : hosts) {
            if (!owned(host, namespace, appsDomain) && !verified.contains(host.toLowerCase(Locale.ROOT))) {
                return "The host " + host + " is not under this workspace's suffix ." + namespace + "."
                        + appsDomain + " and is not a domain verified for this workspace";
            }
        }
        return null;
    }

    static List<String> urls(List<String> hosts, String namespace, String appsDomain) {
        return urls(hosts, namespace, appsDomain, Set.of());
    }

    static List<String> urls(List<String> hosts, String namespace, String appsDomain, Set<String> verified) {
        Set<String> urls = new LinkedHashSet<>();
        for (String host : hosts) {
            if (owned(host, namespace, appsDomain) || verified.contains(host.toLowerCase(Locale.ROOT))) {
                urls.add("https://" + host.toLowerCase(Locale.ROOT) + "/");
            }
        }
        return List.copyOf(urls);
    }

    /** A name (no wildcard) of DNS labels under {@code .<namespace>.<appsDomain>}. */
    static boolean owned(String host, String namespace, String appsDomain) {
        if (host == null || appsDomain == null || appsDomain.isEmpty()) {
            return false;
        }
        String h = host.toLowerCase(Locale.ROOT);
        String suffix = "." + namespace + "." + appsDomain.toLowerCase(Locale.ROOT);
        return h.length() > suffix.length() && h.endsWith(suffix)
                && h.substring(0, h.length() - suffix.length()).matches("([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\\.)*"
                        + "[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");
    }

    private static List<String> ingressHosts(Ingress i) {
        Set<String> hosts = new LinkedHashSet<>();
        if (i.getSpec() != null) {
            for (IngressRule rule : nonNull(i.getSpec().getRules())) {
                if (rule.getHost() != null && !rule.getHost().isEmpty()) {
                    hosts.add(rule.getHost());
                }
            }
        }
        return List.copyOf(hosts);
    }

    private static <T extends HasMetadata> List<T> sorted(List<T> items) {
        return items.stream().sorted(Comparator.comparing(o -> o.getMetadata().getName())).toList();
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }
}
