package io.berth.route;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.berth.cluster.ServerSideApply;
import io.berth.workspace.WorkspaceManifests;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.BackendObjectReference;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRequestMirrorFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteFilter;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackend;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPortBuilder;

/**
 * The NetworkPolicies that let the gateway reach a workspace's routed pods, as a pure function of the namespace's
 * routes and Services. The workspace's default deny keeps every other pod closed to the gateway: one policy per routed
 * Service admits the gateway's pods to the pods the Service selects, on the ports the routes use.
 */
public final class GatewayPolicies {

    public static final String PREFIX = "berth-gateway-";
    /** Marks the policies this package owns, so a stale one is found (and only ours are deleted). */
    public static final String GATEWAY_POLICY = "berth.io/gateway-policy";
    public static final String GATEWAY_NAMESPACE = "berth-system";
    public static final String GATEWAY_APP = "berth-gateway";
    public static final String INGRESS_CLASS = "berth";

    private GatewayPolicies() {
    }

    /** A route's reference to a port of a Service: by number, or (Ingress only) by the Service port's name. */
    record PortRef(Integer number, String name) {

        boolean matches(ServicePort port) {
            return number != null ? number.equals(port.getPort()) : name != null && name.equals(port.getName());
        }
    }

    /** The workspace's policies: one per Service that a route sends traffic to and that selects pods. */
    public static List<NetworkPolicy> desired(String namespace, String workspaceId, List<HTTPRoute> httpRoutes,
            List<GRPCRoute> grpcRoutes, List<Ingress> ingresses, List<Service> services) {
        Map<String, Set<PortRef>> routed = routedPorts(namespace, httpRoutes, grpcRoutes, ingresses);
        Map<String, Service> byName = new TreeMap<>();
        for (Service s : services) {
            if (namespace.equals(s.getMetadata().getNamespace())) {
                byName.put(s.getMetadata().getName(), s);
            }
        }
        List<NetworkPolicy> policies = new ArrayList<>();
        for (Service service : byName.values()) {
            Set<PortRef> refs = routed.get(service.getMetadata().getName());
            if (refs == null || service.getSpec() == null || service.getSpec().getSelector() == null
                    || service.getSpec().getSelector().isEmpty()) {
                // Without a selector the endpoints are whatever someone wrote by hand: nothing to admit.
                continue;
            }
            List<NetworkPolicyPort> ports = ports(service, refs);
            if (!ports.isEmpty()) {
                policies.add(policy(namespace, workspaceId, service, ports));
            }
        }
        return policies;
    }

    /** Service name → the ports routes send to it; only Services in the route's own namespace. */
    static Map<String, Set<PortRef>> routedPorts(String namespace, List<HTTPRoute> httpRoutes,
            List<GRPCRoute> grpcRoutes, List<Ingress> ingresses) {
        Map<String, Set<PortRef>> routed = new LinkedHashMap<>();
        for (HTTPRoute route : httpRoutes) {
            if (!namespace.equals(route.getMetadata().getNamespace()) || route.getSpec() == null) {
                continue;
            }
            for (HTTPRouteRule rule : nonNull(route.getSpec().getRules())) {
                for (HTTPBackendRef ref : nonNull(rule.getBackendRefs())) {
                    add(routed, namespace, ref.getGroup(), ref.getKind(), ref.getNamespace(), ref.getName(),
                            ref.getPort());
                    httpMirrors(routed, namespace, ref.getFilters());
                }
                httpMirrors(routed, namespace, rule.getFilters());
            }
        }
        for (GRPCRoute route : grpcRoutes) {
            if (!namespace.equals(route.getMetadata().getNamespace()) || route.getSpec() == null) {
                continue;
            }
            for (GRPCRouteRule rule : nonNull(route.getSpec().getRules())) {
                for (GRPCBackendRef ref : nonNull(rule.getBackendRefs())) {
                    add(routed, namespace, ref.getGroup(), ref.getKind(), ref.getNamespace(), ref.getName(),
                            ref.getPort());
                    grpcMirrors(routed, namespace, ref.getFilters());
                }
                grpcMirrors(routed, namespace, rule.getFilters());
            }
        }
        for (Ingress ingress : ingresses) {
            if (!namespace.equals(ingress.getMetadata().getNamespace()) || ingress.getSpec() == null
                    || !servedByTheGateway(ingress)) {
                continue;
            }
            ingressBackend(routed, ingress.getSpec().getDefaultBackend());
            for (IngressRule rule : nonNull(ingress.getSpec().getRules())) {
                if (rule.getHttp() != null) {
                    for (HTTPIngressPath path : nonNull(rule.getHttp().getPaths())) {
                        ingressBackend(routed, path.getBackend());
                    }
                }
            }
        }
        return routed;
    }

    /** IngressClass berth is the default, so an Ingress naming no class is the gateway's too. */
    static boolean servedByTheGateway(Ingress ingress) {
        String cls = ingress.getSpec().getIngressClassName();
        if (cls == null && ingress.getMetadata().getAnnotations() != null) {
            cls = ingress.getMetadata().getAnnotations().get("kubernetes.io/ingress.class");
        }
        return cls == null || INGRESS_CLASS.equals(cls);
    }

    // A mirrored request goes to the mirror's backend as well, so that Service is routed too.
    private static void httpMirrors(Map<String, Set<PortRef>> routed, String namespace,
            List<HTTPRouteFilter> filters) {
        for (HTTPRouteFilter f : nonNull(filters)) {
            mirror(routed, namespace, f.getRequestMirror());
        }
    }

    private static void grpcMirrors(Map<String, Set<PortRef>> routed, String namespace,
            List<GRPCRouteFilter> filters) {
        for (GRPCRouteFilter f : nonNull(filters)) {
            mirror(routed, namespace, f.getRequestMirror());
        }
    }

    private static void mirror(Map<String, Set<PortRef>> routed, String namespace, HTTPRequestMirrorFilter mirror) {
        if (mirror != null && mirror.getBackendRef() != null) {
            BackendObjectReference ref = mirror.getBackendRef();
            add(routed, namespace, ref.getGroup(), ref.getKind(), ref.getNamespace(), ref.getName(), ref.getPort());
        }
    }

    private static void add(Map<String, Set<PortRef>> routed, String namespace, String group, String kind,
            String refNamespace, String name, Integer port) {
        boolean core = group == null || group.isEmpty();
        boolean service = kind == null || kind.equals("Service");
        boolean sameNamespace = refNamespace == null || refNamespace.equals(namespace);
        if (core && service && sameNamespace && name != null && port != null) {
            routed.computeIfAbsent(name, n -> new LinkedHashSet<>()).add(new PortRef(port, null));
        }
    }

    private static void ingressBackend(Map<String, Set<PortRef>> routed, IngressBackend backend) {
        IngressServiceBackend service = backend == null ? null : backend.getService();
        if (service == null || service.getName() == null || service.getPort() == null) {
            return;
        }
        Integer number = service.getPort().getNumber();
        String name = service.getPort().getName();
        if (number != null || (name != null && !name.isEmpty())) {
            routed.computeIfAbsent(service.getName(), n -> new LinkedHashSet<>())
                    .add(number != null ? new PortRef(number, null) : new PortRef(null, name));
        }
    }

    /** The pods' side of each routed Service port: its targetPort (a number or a container port's name), else port. */
    private static List<NetworkPolicyPort> ports(Service service, Set<PortRef> refs) {
        Map<String, NetworkPolicyPort> ports = new TreeMap<>();
        for (ServicePort port : nonNull(service.getSpec().getPorts())) {
            if (refs.stream().noneMatch(r -> r.matches(port))) {
                continue;
            }
            IntOrString target = port.getTargetPort();
            if (target == null || (target.getIntVal() == null && (target.getStrVal() == null
                    || target.getStrVal().isEmpty()))) {
                target = new IntOrString(port.getPort());
            } else if (target.getIntVal() != null) {
                target = new IntOrString(target.getIntVal());
            } else {
                target = new IntOrString(target.getStrVal());
            }
            String protocol = port.getProtocol() == null ? "TCP" : port.getProtocol();
            ports.put(protocol + "/" + (target.getIntVal() != null ? target.getIntVal() : target.getStrVal()),
                    new NetworkPolicyPortBuilder().withProtocol(protocol).withPort(target).build());
        }
        return new ArrayList<>(ports.values());
    }

    private static NetworkPolicy policy(String namespace, String workspaceId, Service service,
            List<NetworkPolicyPort> ports) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(ServerSideApply.MANAGED_BY, ServerSideApply.FIELD_MANAGER);
        labels.put(WorkspaceManifests.MANAGED, "true");
        if (workspaceId != null) {
            labels.put(WorkspaceManifests.WORKSPACE_ID, workspaceId);
        }
        labels.put(GATEWAY_POLICY, "true");
        return new NetworkPolicyBuilder()
                .withMetadata(new ObjectMetaBuilder().withName(name(service.getMetadata().getName()))
                        .withNamespace(namespace).withLabels(labels).build())
                .withNewSpec().withNewPodSelector().withMatchLabels(new TreeMap<>(service.getSpec().getSelector()))
                .endPodSelector().withPolicyTypes("Ingress")
                .addNewIngress().addNewFrom()
                .withNewNamespaceSelector().addToMatchLabels("kubernetes.io/metadata.name", GATEWAY_NAMESPACE)
                .endNamespaceSelector()
                .withNewPodSelector().addToMatchLabels("app.kubernetes.io/name", GATEWAY_APP).endPodSelector()
                .endFrom().withPorts(ports).endIngress()
                .endSpec().build();
    }

    public static String name(String service) {
        return PREFIX + service;
    }

    private static <T> List<T> nonNull(List<T> list) {
        return list == null ? List.of() : list;
    }
}
