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
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.berth.access.CurrentAccount;
import io.berth.common.ApiExamples;
import io.berth.plan.PlanService;
import io.berth.plan.PlanView;

@Path("/api/v1/admin/plans")
@Tag(name = "Admin")
@RolesAllowed("platform-admin")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AdminPlanResource {

    private final PlanService plans;
    private final AdminService admin;
    private final CurrentAccount caller;

    AdminPlanResource(PlanService plans, AdminService admin, CurrentAccount caller) {
        this.plans = plans;
        this.admin = admin;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "Every plan, active or not")
    @APIResponse(responseCode = "200", description = "The plans", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.ARRAY, implementation = PlanView.class), examples = @ExampleObject(name = "plans", value = "["
            + ApiExamples.PLAN + "]")))
    public List<PlanView> plans() {
        return plans.list(false);
    }

    @PUT
    @Path("{id}")
    @Operation(summary = "Create or replace a plan (quotas and prices); workspaces on it get the new quotas", description = "Written to the audit log.")
    @APIResponse(responseCode = "200", description = "The plan as saved", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PlanView.class), examples = @ExampleObject(name = "plan", value = ApiExamples.PLAN)))
    @APIResponse(responseCode = "400", description = "A field is invalid (named in errors[].field)")
    public PlanView putPlan(@PathParam("id") String id,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "plan", value = ApiExamples.PLAN))) PlanView plan) {
        return admin.putPlan(caller.get(), AuditLog.Via.api, id, plan);
    }

}
