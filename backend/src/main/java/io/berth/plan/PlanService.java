package io.berth.plan;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.transaction.Transactional;

import io.berth.common.PrintableText;
import io.berth.common.ProblemException;

/**
 * Plans, managed by platform admins. Replacing a plan announces it ({@link PlanChanged}), so what is on the plan takes
 * up its new quotas.
 */
@ApplicationScoped
public class PlanService {

    private final Event<PlanChanged> changed;
    private final Clock clock;

    PlanService(Event<PlanChanged> changed, Clock clock) {
        this.changed = changed;
        this.clock = clock;
    }

    @Transactional
    public List<PlanView> list(boolean activeOnly) {
        return (activeOnly ? Plan.<Plan>list("active = true order by id") : Plan.<Plan>list("order by id")).stream()
                .map(PlanView::of).toList();
    }

    @Transactional
    public PlanView get(String id) {
        Plan p = Plan.findById(id);
        if (p == null) {
            throw ProblemException.notFound("No plan " + id);
        }
        return PlanView.of(p);
    }

    @Transactional
    public boolean exists(String id) {
        return id != null && Plan.findById(id) != null;
    }

    /** Creates or replaces a plan; every field is validated and a problem names the first bad one. */
    @Transactional
    public PlanView put(String id, PlanView v) {
        validate(id, v);
        Plan p = Plan.findById(id);
        boolean created = p == null;
        if (created) {
            p = new Plan();
            p.id = id;
        }
        copy(v, p);
        p.updatedAt = OffsetDateTime.now(clock);
        if (created) {
            p.persist();
        } else {
            changed.fire(new PlanChanged(id));
        }
        return PlanView.of(p);
    }

    /** The plan's rules: a problem names the first field that breaks one. */
    static void validate(String id, PlanView v) {
        if (id == null || !id.matches("^[a-z][a-z0-9-]{0,30}$")) {
            throw ProblemException.badRequest("id",
                    "must be 1-31 characters: a lowercase letter, then letters, digits or '-'");
        }
        if (v == null) {
            throw ProblemException.badRequest("body", "is required");
        }
        require(v.name() != null && !v.name().isBlank() && v.name().length() <= 60, "name",
                "is required (at most 60 characters)");
        require(PrintableText.printable(v.name(), false), "name", PrintableText.NON_PRINTING);
        require(v.description() == null || v.description().length() <= 2000, "description",
                "must be at most 2000 characters");
        require(v.description() == null || PrintableText.printable(v.description(), true), "description",
                PrintableText.NON_PRINTING);
        require(v.maxWorkspaces() >= 1, "maxWorkspaces", "must be at least 1");
        for (var f : List.of(new Field("cpuRequestMillis", v.cpuRequestMillis()),
                new Field("cpuLimitMillis", v.cpuLimitMillis()),
                new Field("memoryRequestBytes", v.memoryRequestBytes()),
                new Field("memoryLimitBytes", v.memoryLimitBytes()),
                new Field("ephemeralStorageBytes", v.ephemeralStorageBytes()),
                new Field("storageBytes", v.storageBytes()),
                new Field("maxPods", v.maxPods()), new Field("maxServices", v.maxServices()),
                new Field("maxSecrets", v.maxSecrets()), new Field("maxConfigmaps", v.maxConfigmaps()),
                new Field("maxPvcs", v.maxPvcs()),
                new Field("maxReplicationControllers", v.maxReplicationControllers()),
                new Field("maxNodeports", v.maxNodeports()), new Field("maxLoadbalancers", v.maxLoadbalancers()),
                new Field("maxDeployments", v.maxDeployments()), new Field("maxReplicaSets", v.maxReplicaSets()),
                new Field("maxStatefulSets", v.maxStatefulSets()),
                new Field("maxControllerRevisions", v.maxControllerRevisions()), new Field("maxJobs", v.maxJobs()),
                new Field("maxCronJobs", v.maxCronJobs()), new Field("maxServiceAccounts", v.maxServiceAccounts()),
                new Field("maxRoles", v.maxRoles()), new Field("maxRoleBindings", v.maxRoleBindings()),
                new Field("maxIngresses", v.maxIngresses()), new Field("maxNetworkPolicies", v.maxNetworkPolicies()),
                new Field("maxHorizontalPodAutoscalers", v.maxHorizontalPodAutoscalers()),
                new Field("maxPodDisruptionBudgets", v.maxPodDisruptionBudgets()),
                new Field("priceCpuCoreHour", v.priceCpuCoreHour()),
                new Field("priceMemoryGibHour", v.priceMemoryGibHour()),
                new Field("priceStorageGibHour", v.priceStorageGibHour()),
                new Field("priceExternalEgressGib", v.priceExternalEgressGib()),
                new Field("priceExternalIngressGib", v.priceExternalIngressGib()),
                new Field("priceInternalGib", v.priceInternalGib()),
                new Field("priceNodeportHour", v.priceNodeportHour()),
                new Field("priceLoadbalancerHour", v.priceLoadbalancerHour()),
                new Field("freeAllowanceMonthly", v.freeAllowanceMonthly()))) {
            require(f.value() >= 0, f.name(), "must not be negative");
        }
        require(v.defaultCpuRequestMillis() > 0, "defaultCpuRequestMillis", "must be positive");
        require(v.defaultCpuLimitMillis() >= v.defaultCpuRequestMillis(), "defaultCpuLimitMillis",
                "must be at least defaultCpuRequestMillis");
        require(v.defaultMemoryRequestBytes() > 0, "defaultMemoryRequestBytes", "must be positive");
        require(v.defaultMemoryLimitBytes() >= v.defaultMemoryRequestBytes(), "defaultMemoryLimitBytes",
                "must be at least defaultMemoryRequestBytes");
        require(v.extendedResources() != null && v.extendedResources().entrySet().stream()
                .allMatch(e -> e.getKey() != null && EXTENDED_RESOURCE.matcher(e.getKey()).matches()
                        && !e.getKey().contains("kubernetes.io/") && !e.getKey().startsWith("requests.")
                        && !e.getKey().startsWith("limits.") && e.getValue() != null && e.getValue() >= 0),
                "extendedResources",
                "must map extended resource names (a domain-prefixed name such as nvidia.com/gpu, without requests. or "
                        + "limits., or hugepages-<size>) to a maximum of at least 0");
        require(v.storageClasses() != null && v.storageClasses().stream()
                .allMatch(c -> c != null && c.matches("^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")), "storageClasses",
                "must be a list of StorageClass names");
    }

    /**
     * An extended resource's name as Kubernetes takes it (a domain-prefixed name outside kubernetes.io), or hugepages of
     * a size.
     */
    static final Pattern EXTENDED_RESOURCE = Pattern.compile(
            "^(hugepages-[1-9][0-9]*(Ki|Mi|Gi)|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)+"
                    + "/[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$");

    private static void copy(PlanView v, Plan p) {
        p.name = v.name().strip();
        p.description = v.description() == null ? "" : v.description();
        p.active = v.active();
        p.maxWorkspaces = v.maxWorkspaces();
        p.cpuRequestMillis = v.cpuRequestMillis();
        p.cpuLimitMillis = v.cpuLimitMillis();
        p.memoryRequestBytes = v.memoryRequestBytes();
        p.memoryLimitBytes = v.memoryLimitBytes();
        p.ephemeralStorageBytes = v.ephemeralStorageBytes();
        p.storageBytes = v.storageBytes();
        p.maxPods = v.maxPods();
        p.maxServices = v.maxServices();
        p.maxSecrets = v.maxSecrets();
        p.maxConfigmaps = v.maxConfigmaps();
        p.maxPvcs = v.maxPvcs();
        p.maxReplicationControllers = v.maxReplicationControllers();
        p.maxNodeports = v.maxNodeports();
        p.maxLoadbalancers = v.maxLoadbalancers();
        p.maxDeployments = v.maxDeployments();
        p.maxReplicaSets = v.maxReplicaSets();
        p.maxStatefulSets = v.maxStatefulSets();
        p.maxControllerRevisions = v.maxControllerRevisions();
        p.maxJobs = v.maxJobs();
        p.maxCronJobs = v.maxCronJobs();
        p.maxServiceAccounts = v.maxServiceAccounts();
        p.maxRoles = v.maxRoles();
        p.maxRoleBindings = v.maxRoleBindings();
        p.maxIngresses = v.maxIngresses();
        p.maxNetworkPolicies = v.maxNetworkPolicies();
        p.maxHorizontalPodAutoscalers = v.maxHorizontalPodAutoscalers();
        p.maxPodDisruptionBudgets = v.maxPodDisruptionBudgets();
        var extended = new java.util.TreeMap<>(v.extendedResources());
        p.extendedResources = extended.keySet().toArray(String[]::new);
        p.extendedResourceLimits = extended.values().toArray(Long[]::new);
        p.storageClasses = v.storageClasses().toArray(String[]::new);
        p.defaultCpuRequestMillis = v.defaultCpuRequestMillis();
        p.defaultCpuLimitMillis = v.defaultCpuLimitMillis();
        p.defaultMemoryRequestBytes = v.defaultMemoryRequestBytes();
        p.defaultMemoryLimitBytes = v.defaultMemoryLimitBytes();
        p.priceCpuCoreHour = v.priceCpuCoreHour();
        p.priceMemoryGibHour = v.priceMemoryGibHour();
        p.priceStorageGibHour = v.priceStorageGibHour();
        p.priceExternalEgressGib = v.priceExternalEgressGib();
        p.priceExternalIngressGib = v.priceExternalIngressGib();
        p.priceInternalGib = v.priceInternalGib();
        p.priceNodeportHour = v.priceNodeportHour();
        p.priceLoadbalancerHour = v.priceLoadbalancerHour();
        p.freeAllowanceMonthly = v.freeAllowanceMonthly();
    }

    private record Field(String name, long value) {
    }

    private static void require(boolean ok, String field, String message) {
        if (!ok) {
            throw ProblemException.badRequest(field, message);
        }
    }
}
