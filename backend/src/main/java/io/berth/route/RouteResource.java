package io.berth.route;

import java.util.List;
import java.util.UUID;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.berth.access.CurrentAccount;
import io.berth.common.ApiExamples;
import io.quarkus.security.Authenticated;

@Path("/api/v1/workspaces/{id}/routes")
@Tag(name = "Routes")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class RouteResource {

    private final RouteService routes;
    private final CurrentAccount caller;

    RouteResource(RouteService routes, CurrentAccount caller) {
        this.routes = routes;
        this.caller = caller;
    }

    @GET
    @Operation(summary = "The workspace's published apps: its HTTPRoutes, GRPCRoutes and Ingresses", description = "Each "
            + "with its hosts, the https URL of every host under the workspace's suffix <namespace>.<apps domain>, "
            + "and whether the shared gateway serves it. Any member may read them.")
    @APIResponse(responseCode = "200", description = "The routes", content = @Content(mediaType = "application/json", schema = @Schema(type = SchemaType.ARRAY, implementation = RouteView.class), examples = @ExampleObject(name = "routes", value = ApiExamples.ROUTES)))
    @APIResponse(responseCode = "404", description = "No such workspace, or the caller is not a member")
    @APIResponse(responseCode = "503", description = "The cluster did not answer")
    public List<RouteView> list(@PathParam("id") UUID id) {
        return routes.list(caller.get(), id);
    }
}
