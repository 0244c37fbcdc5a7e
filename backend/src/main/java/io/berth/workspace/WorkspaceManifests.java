package io.berth.workspace;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import io.berth.access.Identities;
import io.berth.cluster.ServerSideApply;
import io.berth.plan.PlanView;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.LimitRangeBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ResourceQuotaBuilder;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.AllowedRoutes;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.AllowedRoutesBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GatewayBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Listener;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.ListenerBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.api.model.rbac.RoleBindingBuilder;

/**
 * The Kubernetes objects that make a workspace, as pure functions of its database state. Everything Berth manages
 * inside a workspace carries {@value #MANAGED} so the admission guards keep tenants off it.
 */
public final class WorkspaceManifests {

    public static final String MANAGED_BY = ServerSideApply.MANAGED_BY;
    public static final String WORKSPACE = "berth.io/workspace";
    public static final String WORKSPACE_ID = "berth.io/workspace-id";
    public static final String MANAGED = "berth.io/managed";
    public static final String MEMBER = "berth.io/member";
    public static final String QUOTA = "berth-quota";
    public static final String LIMITS = "berth-limits";
    public static final String DEFAULT_DENY = "berth-default-deny";
    public static final String ALLOW_SAME_NAMESPACE = "berth-allow-same-namespace";
    public static final String ALLOW_DNS = "berth-allow-dns";
    public static final String MEMBER_BINDING_PREFIX = "berth-member-";
    /** The workspace's own Gateway, to which its routes attach. */
    public static final String APPS_GATEWAY = "berth-apps";
    /** The apps Gateway's wildcard certificate. */
    public static final String APPS_TLS = "berth-apps-tls";
    public static final String GATEWAY_CLASS = "berth";
    /** The extended resources (GPUs, hugepages) the plan offers, comma-separated; the pod guard allows no other. */
    public static final String EXTENDED_RESOURCES = "berth.io/extended-resources";

    private WorkspaceManifests() {
    }

    /** A member, with the credential epoch whose ServiceAccount holds their access. */
    public record Member(UUID accountId, WorkspaceRole role, int epoch) {
    }

    public static Namespace namespace(Workspace ws, PlanView plan, String podSecurityVersion) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(MANAGED_BY, ServerSideApply.FIELD_MANAGER);
        labels.put(WORKSPACE, "true");
        labels.put(WORKSPACE_ID, ws.id.toString());
        for (String mode : List.of("enforce", "audit", "warn")) {
            labels.put("pod-security.kubernetes.io/" + mode, "restricted");
            labels.put("pod-security.kubernetes.io/" + mode + "-version", podSecurityVersion);
        }
        labels.put("berth.io/nodeports", plan.maxNodeports() > 0 ? "allowed" : "denied");
        labels.put("berth.io/loadbalancers", plan.maxLoadbalancers() > 0 ? "allowed" : "denied");
        return new NamespaceBuilder().withNewMetadata().withName(ws.namespace).withLabels(labels)
                .addToAnnotations("berth.io/display-name", ws.displayName)
                .addToAnnotations("berth.io/plan", plan.id())
                .addToAnnotations("berth.io/storage-classes", String.join(",", plan.storageClasses()))
                .addToAnnotations(EXTENDED_RESOURCES,
                        String.join(",", new TreeMap<>(plan.extendedResources()).keySet()))
                .addToAnnotations("berth.io/suspended", Boolean.toString(ws.isSuspended()))
                .endMetadata().build();
    }

    /**
     * The plan's quota. While the workspace is suspended nothing new may run or claim storage (compute, pods, claims,
     * node ports, load balancers and extended resources are zero); objects stay bounded by the plan either way, since
     * each kind a workspace can create may be up to 1.5 MB in etcd, which all tenants share. Every kind a workspace role
     * may create has an entry ({@link #COUNTED_KINDS} and the core kinds). The platform's own objects in the namespace
     * come on top of the plan's counts: its NetworkPolicies (the defaults, and one per Service at most that lets the
     * gateway reach it), the members' RoleBindings (two per member while a role changes: the new binding is made
     * before the old one goes), the default ServiceAccount, the apps Gateway and its certificate's Secret.
     * HTTPRoutes and GRPCRoutes are bounded by the plan's Ingress count, each kind on its own: they are three ways
     * of saying the same thing (a host to a Service), and a tenant uses one of them.
     */
    public static ResourceQuota quota(Workspace ws, PlanView plan, int members) {
        boolean off = ws.isSuspended();
        Map<String, Quantity> hard = new LinkedHashMap<>();
        hard.put("requests.cpu", off ? count(0) : millis(plan.cpuRequestMillis()));
        hard.put("limits.cpu", off ? count(0) : millis(plan.cpuLimitMillis()));
        hard.put("requests.memory", off ? count(0) : bytes(plan.memoryRequestBytes()));
        hard.put("limits.memory", off ? count(0) : bytes(plan.memoryLimitBytes()));
        hard.put("requests.ephemeral-storage", off ? count(0) : bytes(plan.ephemeralStorageBytes()));
        hard.put("limits.ephemeral-storage", off ? count(0) : bytes(plan.ephemeralStorageBytes()));
        hard.put("requests.storage", off ? count(0) : bytes(plan.storageBytes()));
        hard.put("pods", count(off ? 0 : plan.maxPods()));
        hard.put("persistentvolumeclaims", count(off ? 0 : plan.maxPvcs()));
        hard.put("services.nodeports", count(off ? 0 : plan.maxNodeports()));
        hard.put("services.loadbalancers", count(off ? 0 : plan.maxLoadbalancers()));
        // Extended resources cannot be overcommitted: a quota bounds their requests (hugepages in bytes).
        new TreeMap<>(plan.extendedResources()).forEach((name, max) -> hard.put("requests." + name,
                off ? count(0) : name.startsWith("hugepages-") ? bytes(max) : count(max)));
        hard.put("services", count(plan.maxServices()));
        hard.put("secrets", count(plan.maxSecrets() + 1));
        hard.put("configmaps", count(plan.maxConfigmaps()));
        hard.put("replicationcontrollers", count(plan.maxReplicationControllers()));
        hard.put("resourcequotas", count(1));
        objectCounts(ws, plan, members).forEach((resource, max) -> hard.put(resource, count(max)));
        return new ResourceQuotaBuilder().withMetadata(managedMeta(ws, QUOTA)).withNewSpec().withHard(hard).endSpec()
                .build();
    }

    /** The kinds the quota counts as {@code count/<resource>.<group>}, beyond the core ones it names directly. */
    public static final List<String> COUNTED_KINDS = List.of("count/deployments.apps", "count/replicasets.apps",
            "count/statefulsets.apps", "count/controllerrevisions.apps", "count/jobs.batch", "count/cronjobs.batch",
            "count/serviceaccounts", "count/roles.rbac.authorization.k8s.io",
            "count/rolebindings.rbac.authorization.k8s.io", "count/ingresses.networking.k8s.io",
            "count/networkpolicies.networking.k8s.io", "count/horizontalpodautoscalers.autoscaling",
            "count/poddisruptionbudgets.policy", "count/httproutes.gateway.networking.k8s.io",
            "count/grpcroutes.gateway.networking.k8s.io", "count/gateways.gateway.networking.k8s.io");

    private static Map<String, Integer> objectCounts(Workspace ws, PlanView plan, int members) {
        int[] max = {plan.maxDeployments(), plan.maxReplicaSets(), plan.maxStatefulSets(),
                plan.maxControllerRevisions(), plan.maxJobs(), plan.maxCronJobs(), plan.maxServiceAccounts() + 1,
                plan.maxRoles(), plan.maxRoleBindings() + 2 * members, plan.maxIngresses(),
                plan.maxNetworkPolicies() + networkPolicies(ws).size() + plan.maxServices(),
                plan.maxHorizontalPodAutoscalers(), plan.maxPodDisruptionBudgets(),
                // Routes are the Gateway API's Ingresses: the plan's count bounds each kind.
                plan.maxIngresses(), plan.maxIngresses(),
                // The platform's apps Gateway; tenants make none.
                1};
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (int i = 0; i < max.length; i++) {
            counts.put(COUNTED_KINDS.get(i), max[i]);
        }
        return counts;
    }

    /** Defaults so every container counts against the quota; no minimum, so small pods are never refused. */
    public static LimitRange limits(Workspace ws, PlanView plan) {
        return new LimitRangeBuilder().withMetadata(managedMeta(ws, LIMITS)).withNewSpec().addNewLimit()
                .withType("Container")
                .withDefaultRequest(Map.of("cpu", millis(plan.defaultCpuRequestMillis()), "memory",
                        bytes(plan.defaultMemoryRequestBytes()), "ephemeral-storage", new Quantity("100Mi")))
                .withDefault(Map.of("cpu", millis(plan.defaultCpuLimitMillis()), "memory",
                        bytes(plan.defaultMemoryLimitBytes()), "ephemeral-storage", new Quantity("1Gi")))
                .endLimit().endSpec().build();
    }

    public static List<NetworkPolicy> networkPolicies(Workspace ws) {
        NetworkPolicy deny = new NetworkPolicyBuilder().withMetadata(managedMeta(ws, DEFAULT_DENY)).withNewSpec()
                .withNewPodSelector().endPodSelector().withPolicyTypes("Ingress", "Egress").endSpec().build();
        NetworkPolicy sameNamespace = new NetworkPolicyBuilder().withMetadata(managedMeta(ws, ALLOW_SAME_NAMESPACE))
                .withNewSpec().withNewPodSelector().endPodSelector().withPolicyTypes("Ingress", "Egress")
                .addNewIngress().addNewFrom().withNewPodSelector().endPodSelector().endFrom().endIngress()
                .addNewEgress().addNewTo().withNewPodSelector().endPodSelector().endTo().endEgress()
                .endSpec().build();
        NetworkPolicy dns = new NetworkPolicyBuilder().withMetadata(managedMeta(ws, ALLOW_DNS)).withNewSpec()
                .withNewPodSelector().endPodSelector().withPolicyTypes("Egress")
                .addNewEgress().addNewTo().withNewNamespaceSelector()
                .addToMatchLabels("kubernetes.io/metadata.name", "kube-system").endNamespaceSelector()
                .withNewPodSelector().addToMatchLabels("k8s-app", "kube-dns").endPodSelector().endTo()
                .addNewPort().withProtocol("UDP").withPort(new IntOrString(53)).endPort()
                .addNewPort().withProtocol("TCP").withPort(new IntOrString(53)).endPort()
                .endEgress().endSpec().build();
        return List.of(deny, sameNamespace, dns);
    }

    public static RoleBinding memberBinding(Workspace ws, Member member, String identityNamespace) {
        var meta = managedMeta(ws, memberBindingName(member));
        meta.getLabels().put(MEMBER, member.accountId().toString());
        return new RoleBindingBuilder().withMetadata(meta)
                .withNewRoleRef().withApiGroup("rbac.authorization.k8s.io").withKind("ClusterRole")
                .withName(member.role().clusterRole()).endRoleRef()
                .addNewSubject().withKind("ServiceAccount")
                .withName(Identities.serviceAccount(member.accountId(), member.epoch()))
                .withNamespace(identityNamespace).endSubject()
                .build();
    }

    /**
     * The binding's name carries the role because a RoleBinding's roleRef is immutable: a role change creates the new
     * binding and then deletes the old one.
     */
    public static String memberBindingName(Member member) {
        return MEMBER_BINDING_PREFIX + member.role() + "-" + member.accountId();
    }

    /** Every namespaced object of a workspace but the membership bindings, in apply order. */
    public static List<HasMetadata> contents(Workspace ws, PlanView plan, int members) {
        List<HasMetadata> objects = new ArrayList<>();
        objects.add(quota(ws, plan, members));
        objects.add(limits(ws, plan));
        objects.addAll(networkPolicies(ws));
        return objects;
    }

    /**
     * The workspace's Gateway: HTTP and HTTPS (terminated with the workspace's wildcard certificate) for the names
     * under its suffix, routes from its own namespace only, so no other tenant's route attaches to it.
     */
    public static Gateway appsGateway(Workspace ws, String appsDomain) {
        String hostname = AppsCertificates.wildcard(ws.namespace, appsDomain);
        AllowedRoutes sameNamespace = new AllowedRoutesBuilder().withNewNamespaces().withFrom("Same").endNamespaces()
                .build();
        Listener http = new ListenerBuilder().withName("http").withPort(8000).withProtocol("HTTP")
                .withHostname(hostname).withAllowedRoutes(sameNamespace).build();
        Listener https = new ListenerBuilder().withName("https").withPort(8443).withProtocol("HTTPS")
                .withHostname(hostname).withNewTls().withMode("Terminate").addNewCertificateRef().withGroup("")
                .withKind("Secret").withName(APPS_TLS).endCertificateRef().endTls()
                .withAllowedRoutes(sameNamespace).build();
        return new GatewayBuilder().withMetadata(managedMeta(ws, APPS_GATEWAY)).withNewSpec()
                .withGatewayClassName(GATEWAY_CLASS).withListeners(http, https).endSpec().build();
    }

    /** The apps Gateway's certificate and key, as a TLS Secret. */
    public static Secret appsCertificate(Workspace ws, AppsCertificates.Issued issued) {
        Base64.Encoder b64 = Base64.getEncoder();
        return new SecretBuilder().withMetadata(managedMeta(ws, APPS_TLS)).withType("kubernetes.io/tls")
                .addToData("tls.crt", b64.encodeToString(issued.certificatePem().getBytes(StandardCharsets.US_ASCII)))
                .addToData("tls.key", b64.encodeToString(issued.privateKeyPem().getBytes(StandardCharsets.US_ASCII)))
                .build();
    }

    /** What an apps certificate Secret holds, or null if it holds no certificate and key. */
    static AppsCertificates.Issued issued(Secret secret) {
        if (secret == null || secret.getData() == null || secret.getData().get("tls.crt") == null
                || secret.getData().get("tls.key") == null) {
            return null;
        }
        try {
            Base64.Decoder b64 = Base64.getDecoder();
            return new AppsCertificates.Issued(
                    new String(b64.decode(secret.getData().get("tls.crt")), StandardCharsets.US_ASCII),
                    new String(b64.decode(secret.getData().get("tls.key")), StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static io.fabric8.kubernetes.api.model.ObjectMeta managedMeta(Workspace ws, String name) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(MANAGED_BY, ServerSideApply.FIELD_MANAGER);
        labels.put(MANAGED, "true");
        labels.put(WORKSPACE_ID, ws.id.toString());
        return new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).withNamespace(ws.namespace)
                .withLabels(labels).build();
    }

    private static Quantity millis(long m) {
        return new Quantity(m + "m");
    }

    /** Bytes in the largest binary unit that divides them exactly, as people write quotas (512Mi, 4Gi). */
    static Quantity bytes(long b) {
        String[] units = {"Ki", "Mi", "Gi", "Ti", "Pi"};
        if (b <= 0) {
            return new Quantity(Long.toString(b));
        }
        int unit = -1;
        long value = b;
        while (unit < units.length - 1 && value % 1024 == 0) {
            value /= 1024;
            unit++;
        }
        return new Quantity(unit < 0 ? Long.toString(b) : value + units[unit]);
    }

    private static Quantity count(long n) {
        return new Quantity(Long.toString(n));
    }
}
