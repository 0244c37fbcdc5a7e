package io.berth.web;

import java.util.List;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.berth.plan.PlanService;
import io.berth.plan.PlanView;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/** The public front page: what Berth is, what it costs (from the plans on offer), and the way in. */
@Path("/")
@PermitAll
public class LandingPage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance landing(List<PlanCard> plans);
    }

    /** A plan as the price list shows it. */
    public record PlanCard(String id, String name, String description, int maxWorkspaces, String cpuCores,
            String memoryGib, String storageGib, int maxPods, long cpuCoreHour, long memoryGibHour,
            long storageGibHour, long egressGib, long nodeportHour, long loadbalancerHour, long freeAllowance,
            boolean nodeports, boolean loadbalancers) {

        static PlanCard of(PlanView p) {
            return new PlanCard(p.id(), p.name(), p.description(), p.maxWorkspaces(),
                    Formats.cores(p.cpuLimitMillis()), Formats.gib(p.memoryLimitBytes()),
                    Formats.gib(p.storageBytes()), p.maxPods(), p.priceCpuCoreHour(), p.priceMemoryGibHour(),
                    p.priceStorageGibHour(), p.priceExternalEgressGib(), p.priceNodeportHour(),
                    p.priceLoadbalancerHour(), p.freeAllowanceMonthly(), p.maxNodeports() > 0,
                    p.maxLoadbalancers() > 0);
        }
    }

    private final PlanService plans;

    LandingPage(PlanService plans) {
        this.plans = plans;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public TemplateInstance get() {
        return Templates.landing(plans.list(true).stream().map(PlanCard::of).toList());
    }
}
