package io.berth.plan;

import java.util.List;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.berth.common.ApiExamples;

@Path("/api/v1/plans")
@Tag(name = "Plans")
@PermitAll
@Produces(MediaType.APPLICATION_JSON)
public class PlanResource {

    private final PlanService plans;

    PlanResource(PlanService plans) {
        this.plans = plans;
    }

    @GET
    @Operation(summary = "The plans on offer, with their quotas and prices (public)")
    @APIResponse(responseCode = "200", description = "The plans on offer", content = @Content(mediaType = "application/json", schema = @Schema(type = SchemaType.ARRAY, implementation = PlanView.class), examples = @ExampleObject(name = "plans", value = ApiExamples.PLANS)))
    public List<PlanView> list() {
        return plans.list(true);
    }
}
