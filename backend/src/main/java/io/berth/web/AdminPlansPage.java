package io.berth.web;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestForm;

import io.berth.admin.AdminService;
import io.berth.admin.AuditLog;
import io.berth.common.ProblemException;
import io.berth.plan.PlanService;
import io.berth.plan.PlanView;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/** Plans: their quotas and prices. A changed plan re-applies the quotas of every workspace on it. */
@Path("/admin/plans")
@RolesAllowed(Pages.ADMIN_ROLE)
@Produces(MediaType.TEXT_HTML)
public class AdminPlansPage {

    /** The new-plan form's id in the URL. */
    static final String NEW = "new";

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance plans(Shell shell, Flash flash, List<PlanView> plans);

        static native TemplateInstance plan(Shell shell, Flash flash, boolean creating, PlanForm plan);
    }

    /** A plan as the form holds it: every field of {@link PlanView}, storage classes comma-separated. */
    public static class PlanForm {
        @RestForm
        public String id;
        @RestForm
        public String name;
        @RestForm
        public String description;
        @RestForm
        public boolean active;
        @RestForm
        public int maxWorkspaces;
        @RestForm
        public long cpuRequestMillis;
        @RestForm
        public long cpuLimitMillis;
        @RestForm
        public long memoryRequestBytes;
        @RestForm
        public long memoryLimitBytes;
        @RestForm
        public long ephemeralStorageBytes;
        @RestForm
        public long storageBytes;
        @RestForm
        public int maxPods;
        @RestForm
        public int maxServices;
        @RestForm
        public int maxSecrets;
        @RestForm
        public int maxConfigmaps;
        @RestForm
        public int maxPvcs;
        @RestForm
        public int maxReplicationControllers;
        @RestForm
        public int maxNodeports;
        @RestForm
        public int maxLoadbalancers;
        @RestForm
        public int maxDeployments;
        @RestForm
        public int maxReplicaSets;
        @RestForm
        public int maxStatefulSets;
        @RestForm
        public int maxControllerRevisions;
        @RestForm
        public int maxJobs;
        @RestForm
        public int maxCronJobs;
        @RestForm
        public int maxServiceAccounts;
        @RestForm
        public int maxRoles;
        @RestForm
        public int maxRoleBindings;
        @RestForm
        public int maxIngresses;
        @RestForm
        public int maxNetworkPolicies;
        @RestForm
        public int maxHorizontalPodAutoscalers;
        @RestForm
        public int maxPodDisruptionBudgets;
        /** Extended resources as {@code name=max} pairs, comma-separated ({@code nvidia.com/gpu=2}). */
        @RestForm
        public String extendedResources;
        @RestForm
        public String storageClasses;
        @RestForm
        public long defaultCpuRequestMillis;
        @RestForm
        public long defaultCpuLimitMillis;
        @RestForm
        public long defaultMemoryRequestBytes;
        @RestForm
        public long defaultMemoryLimitBytes;
        @RestForm
        public long priceCpuCoreHour;
        @RestForm
        public long priceMemoryGibHour;
        @RestForm
        public long priceStorageGibHour;
        @RestForm
        public long priceExternalEgressGib;
        @RestForm
        public long priceExternalIngressGib;
        @RestForm
        public long priceInternalGib;
        @RestForm
        public long priceNodeportHour;
        @RestForm
        public long priceLoadbalancerHour;
        @RestForm
        public long freeAllowanceMonthly;

        static PlanForm of(PlanView p) {
            PlanForm f = new PlanForm();
            f.id = p.id();
            f.name = p.name();
            f.description = p.description();
            f.active = p.active();
            f.maxWorkspaces = p.maxWorkspaces();
            f.cpuRequestMillis = p.cpuRequestMillis();
            f.cpuLimitMillis = p.cpuLimitMillis();
            f.memoryRequestBytes = p.memoryRequestBytes();
            f.memoryLimitBytes = p.memoryLimitBytes();
            f.ephemeralStorageBytes = p.ephemeralStorageBytes();
            f.storageBytes = p.storageBytes();
            f.maxPods = p.maxPods();
            f.maxServices = p.maxServices();
            f.maxSecrets = p.maxSecrets();
            f.maxConfigmaps = p.maxConfigmaps();
            f.maxPvcs = p.maxPvcs();
            f.maxReplicationControllers = p.maxReplicationControllers();
            f.maxNodeports = p.maxNodeports();
            f.maxLoadbalancers = p.maxLoadbalancers();
            f.maxDeployments = p.maxDeployments();
            f.maxReplicaSets = p.maxReplicaSets();
            f.maxStatefulSets = p.maxStatefulSets();
            f.maxControllerRevisions = p.maxControllerRevisions();
            f.maxJobs = p.maxJobs();
            f.maxCronJobs = p.maxCronJobs();
            f.maxServiceAccounts = p.maxServiceAccounts();
            f.maxRoles = p.maxRoles();
            f.maxRoleBindings = p.maxRoleBindings();
            f.maxIngresses = p.maxIngresses();
            f.maxNetworkPolicies = p.maxNetworkPolicies();
            f.maxHorizontalPodAutoscalers = p.maxHorizontalPodAutoscalers();
            f.maxPodDisruptionBudgets = p.maxPodDisruptionBudgets();
            f.extendedResources = p.extendedResources().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(java.util.stream.Collectors.joining(", "));
            f.storageClasses = String.join(", ", p.storageClasses());
            f.defaultCpuRequestMillis = p.defaultCpuRequestMillis();
            f.defaultCpuLimitMillis = p.defaultCpuLimitMillis();
            f.defaultMemoryRequestBytes = p.defaultMemoryRequestBytes();
            f.defaultMemoryLimitBytes = p.defaultMemoryLimitBytes();
            f.priceCpuCoreHour = p.priceCpuCoreHour();
            f.priceMemoryGibHour = p.priceMemoryGibHour();
            f.priceStorageGibHour = p.priceStorageGibHour();
            f.priceExternalEgressGib = p.priceExternalEgressGib();
            f.priceExternalIngressGib = p.priceExternalIngressGib();
            f.priceInternalGib = p.priceInternalGib();
            f.priceNodeportHour = p.priceNodeportHour();
            f.priceLoadbalancerHour = p.priceLoadbalancerHour();
            f.freeAllowanceMonthly = p.freeAllowanceMonthly();
            return f;
        }

        PlanView view() {
            List<String> classes = storageClasses == null || storageClasses.isBlank()
                    ? List.of()
                    : Arrays.stream(storageClasses.split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
            Map<String, Long> extended = new TreeMap<>();
            if (extendedResources != null) {
                for (String pair : extendedResources.split(",")) {
                    if (pair.isBlank()) {
                        continue;
                    }
                    int eq = pair.lastIndexOf('=');
                    try {
                        extended.put(pair.substring(0, Math.max(eq, 0)).strip(),
                                Long.parseLong(pair.substring(eq + 1).strip()));
                    } catch (NumberFormatException e) {
                        throw ProblemException.badRequest("extendedResources",
                                "must be name=maximum pairs, comma-separated (nvidia.com/gpu=2)");
                    }
                }
            }
            return new PlanView(id, name, description, active, maxWorkspaces, cpuRequestMillis, cpuLimitMillis,
                    memoryRequestBytes, memoryLimitBytes, ephemeralStorageBytes, storageBytes, maxPods, maxServices,
                    maxSecrets, maxConfigmaps, maxPvcs, maxReplicationControllers, maxNodeports, maxLoadbalancers,
                    maxDeployments, maxReplicaSets, maxStatefulSets, maxControllerRevisions, maxJobs, maxCronJobs,
                    maxServiceAccounts, maxRoles, maxRoleBindings, maxIngresses, maxNetworkPolicies,
                    maxHorizontalPodAutoscalers, maxPodDisruptionBudgets, extended, classes, defaultCpuRequestMillis,
                    defaultCpuLimitMillis, defaultMemoryRequestBytes,
                    defaultMemoryLimitBytes, priceCpuCoreHour, priceMemoryGibHour, priceStorageGibHour,
                    priceExternalEgressGib, priceExternalIngressGib, priceInternalGib, priceNodeportHour,
                    priceLoadbalancerHour, freeAllowanceMonthly);
        }
    }

    private final Pages pages;
    private final PlanService plans;
    private final AdminService admin;

    AdminPlansPage(Pages pages, PlanService plans, AdminService admin) {
        this.pages = pages;
        this.plans = plans;
        this.admin = admin;
    }

    @GET
    @Operation(hidden = true)
    public TemplateInstance list(@QueryParam("done") String done) {
        return Templates.plans(pages.shell("admin-plans"), Flash.done(done), plans.list(false));
    }

    @GET
    @Path("{id}")
    @Operation(hidden = true)
    public TemplateInstance edit(@PathParam("id") String id) {
        if (NEW.equals(id)) {
            // A new plan starts as a copy of the free plan's numbers: sensible defaults to change.
            PlanForm f = PlanForm.of(plans.get("free"));
            f.id = "";
            f.name = "";
            f.description = "";
            f.active = false;
            return Templates.plan(pages.shell("admin-plans"), null, true, f);
        }
        return Templates.plan(pages.shell("admin-plans"), null, false, PlanForm.of(plans.get(id)));
    }

    @POST
    @Path("{id}")
    @Operation(hidden = true)
    public Response save(@PathParam("id") String id, PlanForm form) {
        boolean creating = NEW.equals(id);
        String planId = creating ? (form.id == null ? "" : form.id.strip()) : id;
        form.id = planId;
        if (creating) {
            boolean exists = plans.list(false).stream().anyMatch(p -> p.id().equals(planId));
            if (exists) {
                return Response.status(409).entity(Templates.plan(pages.shell("admin-plans"),
                        Flash.error("A plan with this id exists already; edit it instead.", "id"), true, form))
                        .build();
            }
        }
        try {
            admin.putPlan(pages.account(), AuditLog.Via.console, planId, form.view());
        } catch (ProblemException e) {
            return Response.status(Pages.status(e))
                    .entity(Templates.plan(pages.shell("admin-plans"), Pages.flash(e), creating, form)).build();
        }
        return Pages.seeOther("/admin/plans", "saved");
    }
}
