package io.berth.workspace;

import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
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

@Path("/api/v1/invitations")
@Tag(name = "Invitations")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class InvitationResource {

    private final InvitationService invitations;
    private final CurrentAccount caller;

    InvitationResource(InvitationService invitations, CurrentAccount caller) {
        this.invitations = invitations;
        this.caller = caller;
    }

    public record InvitationToken(@Schema(description = "The token of the invitation link") String token) {
    }

    @GET
    @Operation(summary = "Invitations waiting for the caller")
    @APIResponse(responseCode = "200", description = "Invitations for you", content = @Content(mediaType = "application/json", schema = @Schema(type = SchemaType.ARRAY, implementation = InvitationView.class), examples = @ExampleObject(name = "invitations", value = ApiExamples.INVITATIONS)))
    public List<InvitationView> mine() {
        return invitations.mine(caller.get());
    }

    @POST
    @Path("accept")
    @Operation(summary = "Accept an invitation with the token of its link")
    @APIResponse(responseCode = "410", description = "Expired, already used, revoked or declined")
    @APIResponse(responseCode = "200", description = "The workspace you joined", content = @Content(mediaType = "application/json", schema = @Schema(implementation = WorkspaceView.class), examples = @ExampleObject(name = "workspace", value = ApiExamples.WORKSPACE)))
    public WorkspaceView accept(
            @RequestBody(required = true, content = @Content(mediaType = "application/json", examples = @ExampleObject(name = "token", value = ApiExamples.INVITATION_TOKEN))) InvitationToken request) {
        return invitations.accept(caller.get(), request == null ? null : request.token());
    }

    @POST
    @Path("decline")
    @Operation(summary = "Decline an invitation with the token of its link")
    @APIResponse(responseCode = "204", description = "Declined")
    public Response decline(
            @RequestBody(required = true, content = @Content(mediaType = "application/json", examples = @ExampleObject(name = "token", value = ApiExamples.INVITATION_TOKEN))) InvitationToken request) {
        invitations.decline(caller.get(), request == null ? null : request.token());
        return Response.noContent().build();
    }
}
