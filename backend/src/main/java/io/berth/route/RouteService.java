package io.berth.route;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.berth.access.Account;
import io.berth.common.Problem;
import io.berth.common.ProblemException;
import io.berth.workspace.AppsConfig;
import io.berth.workspace.WorkspaceManifests;
import io.berth.workspace.WorkspaceService;
import io.berth.workspace.WorkspaceView;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** A workspace's routes for its members: read from the caches (or, until they are synced, from the API server). */
@ApplicationScoped
public class RouteService {

    private static final Logger LOG = Logger.getLogger(RouteService.class);

    private final WorkspaceService workspaces;
    private final RouteCaches caches;
    private final KubernetesClient client;
    private final String appsDomain;

    RouteService(WorkspaceService workspaces, RouteCaches caches, KubernetesClient client, AppsConfig apps) {
        this.workspaces = workspaces;
        this.caches = caches;
        this.client = client;
        this.appsDomain = apps.domain();
    }

    /** The custom domains verified for the workspace, as the route and Ingress guards read them. */
    static Set<String> verifiedDomains(Namespace namespace) {
        String listed = namespace == null || namespace.getMetadata().getAnnotations() == null
                ? null
                : namespace.getMetadata().getAnnotations().get(WorkspaceManifests.VERIFIED_DOMAINS);
        if (listed == null || listed.isBlank()) {
            return Set.of();
        }
        return Arrays.stream(listed.split(",")).map(String::strip).filter(d -> !d.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    /** The routes of a workspace the caller is a member of (any role); 404 for anyone else. */
    public List<RouteView> list(Account caller, UUID workspaceId) {
        return of(workspaces.get(caller, workspaceId));
    }

    /** The routes of a workspace already checked to be the caller's. */
    public List<RouteView> of(WorkspaceView ws) {
        String ns = ws.namespace();
        if (caches.synced()) {
            Map<String, RouteViews.Claim> claims = RouteViews.claims(caches.allHttpRoutes(), caches.allGrpcRoutes(),
                    caches.allIngresses());
            return RouteViews.of(ns, appsDomain, verifiedDomains(caches.namespace(ns)), caches.httpRoutes(ns),
                    caches.grpcRoutes(ns), caches.ingresses(ns), claims);
        }
        try {
            List<HTTPRoute> http = client.resources(HTTPRoute.class).inNamespace(ns).list().getItems();
            List<GRPCRoute> grpc = client.resources(GRPCRoute.class).inNamespace(ns).list().getItems();
            List<Ingress> ingresses = client.network().v1().ingresses().inNamespace(ns).list().getItems();
            // Without the caches only this namespace's claims are known: conflicts with others show once synced.
            Set<String> verified = verifiedDomains(client.namespaces().withName(ns).get());
            return RouteViews.of(ns, appsDomain, verified, http, grpc, ingresses,
                    RouteViews.claims(http, grpc, ingresses));
        } catch (KubernetesClientException e) {
            LOG.warnf("reading the routes of %s failed: %s", ns, e.getMessage());
            throw new ProblemException(Problem.of(503, "Routes unavailable",
                    "The cluster did not answer with the workspace's routes; try again shortly"));
        }
    }
}
