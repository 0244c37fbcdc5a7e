package io.berth.workspace;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
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

@Path("/api/v1/workspaces/{id}/invitations")
@Tag(name = "Invitations")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class WorkspaceInvitationResource {

    private final InvitationService invitations;
    private final CurrentAccount caller;

    WorkspaceInvitationResource(InvitationService invitations, CurrentAccount caller) {
        this.invitations = invitations;
        this.caller = caller;
    }

    public record NewInvitation(
            @Schema(description = "E-mail address or username of the person invited", examples = "ana@example.com") String invitee,
            @Schema(examples = "developer") WorkspaceRole role) {
    }

    @POST
    @Operation(summary = "Invite someone by e-mail or username (admin or owner)", description = "The answer holds "
            + "the single-use link (token and acceptUrl) once; Berth keeps only its hash.")
    @APIResponse(responseCode = "201", description = "Created; token and acceptUrl are in this answer only", content = @Content(mediaType = "application/json", schema = @Schema(implementation = InvitationView.class), examples = @ExampleObject(name = "invitation", value = ApiExamples.INVITATION_CREATED)))
    public Response invite(@PathParam("id") UUID id,
            @RequestBody(required = true, content = @Content(mediaType = "application/json", examples = @ExampleObject(name = "invitation", value = ApiExamples.INVITATION_NEW))) NewInvitation request) {
        InvitationView created = invitations.invite(caller.get(), id, request == null ? null : request.invitee(),
                request == null ? null : request.role());
        return Response.created(URI.create("/api/v1/workspaces/" + id + "/invitations/" + created.id()))
                .entity(created).build();
    }

    @GET
    @Operation(summary = "Pending invitations of a workspace (admin or owner)")
    @APIResponse(responseCode = "200", description = "Pending invitations", content = @Content(mediaType = "application/json", schema = @Schema(type = SchemaType.ARRAY, implementation = InvitationView.class), examples = @ExampleObject(name = "invitations", value = ApiExamples.INVITATIONS)))
    public List<InvitationView> pending(@PathParam("id") UUID id) {
        return invitations.pendingFor(caller.get(), id);
    }

    @DELETE
    @Path("{invitationId}")
    @Operation(summary = "Revoke a pending invitation (admin or owner)")
    @APIResponse(responseCode = "204", description = "Revoked")
    public Response revoke(@PathParam("id") UUID id, @PathParam("invitationId") UUID invitationId) {
        invitations.revoke(caller.get(), id, invitationId);
        return Response.noContent().build();
    }
}
