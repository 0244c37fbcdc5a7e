package io.berth.admin;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.berth.plan.PlanService;
import io.berth.plan.PlanView;

@Path("/api/v1/admin/plans")
@Tag(name = "Admin")
@RolesAllowed("platform-admin")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AdminPlanResource {

    private final PlanService plans;

    AdminPlanResource(PlanService plans) {
        this.plans = plans;
    }

    @GET
    @Operation(summary = "Every plan, active or not")
    public List<PlanView> plans() {
        return plans.list(false);
    }

    @PUT
    @Path("{id}")
    @Operation(summary = "Create or replace a plan (quotas and prices); workspaces on it get the new quotas")
    public PlanView putPlan(@PathParam("id") String id, @RequestBody(required = true) PlanView plan) {
        return plans.put(id, plan);
    }
}
