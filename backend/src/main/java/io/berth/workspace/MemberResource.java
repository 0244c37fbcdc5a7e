package io.berth.workspace;

import java.util.List;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

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
import io.quarkus.security.Authenticated;

@Path("/api/v1/workspaces/{id}/members")
@Tag(name = "Members")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class MemberResource {

    private final MembershipService members;
    private final CurrentAccount caller;

    MemberResource(MembershipService members, CurrentAccount caller) {
        this.members = members;
        this.caller = caller;
    }

    public record RoleChange(WorkspaceRole role) {
    }

    @GET
    @Operation(summary = "The workspace's members and their roles")
    @APIResponse(responseCode = "200", description = "The members", content = @Content(mediaType = "application/json", schema = @Schema(type = SchemaType.ARRAY, implementation = MemberView.class), examples = @ExampleObject(name = "members", value = ApiExamples.MEMBERS)))
    public List<MemberView> list(@PathParam("id") UUID id) {
        return members.list(caller.get(), id);
    }

    @PUT
    @Path("{accountId}")
    @Operation(summary = "Change a member's role (admin or owner)", description = "The member's Kubernetes "
            + "access changes within seconds. The owner's role changes only through a transfer.")
    @APIResponse(responseCode = "200", description = "The member with the new role", content = @Content(mediaType = "application/json", schema = @Schema(implementation = MemberView.class), examples = @ExampleObject(name = "member", value = ApiExamples.MEMBER)))
    @APIResponse(responseCode = "409", description = "The owner's role changes only by a transfer")
    public MemberView changeRole(@PathParam("id") UUID id, @PathParam("accountId") UUID accountId,
            @RequestBody(required = true, content = @Content(mediaType = "application/json", examples = @ExampleObject(name = "role", value = ApiExamples.ROLE_CHANGE))) RoleChange change) {
        return members.changeRole(caller.get(), id, accountId, change == null ? null : change.role());
    }

    @DELETE
    @Path("{accountId}")
    @Operation(summary = "Remove a member (admin or owner), or leave (yourself)", description = "The member's "
            + "Kubernetes access ends within seconds.")
    @APIResponse(responseCode = "204", description = "Removed")
    @APIResponse(responseCode = "409", description = "The owner cannot be removed")
    public Response remove(@PathParam("id") UUID id, @PathParam("accountId") UUID accountId) {
        members.remove(caller.get(), id, accountId);
        return Response.noContent().build();
    }
}
