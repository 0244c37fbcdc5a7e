package io.berth.workspace;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
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

@Path("/api/v1/workspaces")
@Tag(name = "Workspaces")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class WorkspaceResource {

    private final WorkspaceService workspaces;
    private final MembershipService members;
    private final CurrentAccount caller;

    WorkspaceResource(WorkspaceService workspaces, MembershipService members, CurrentAccount caller) {
        this.workspaces = workspaces;
        this.members = members;
        this.caller = caller;
    }

    public record Transfer(@Schema(description = "The member who becomes owner") UUID accountId) {
    }

    @Schema(description = "A new workspace's name, as people see it; Berth chooses the namespace name")
    public record CreateWorkspace(@Schema(examples = "Shop backend", maxLength = 63) String displayName) {
    }

    public record RenameWorkspace(@Schema(examples = "Shop backend (staging)", maxLength = 63) String displayName) {
    }

    @GET
    @Operation(summary = "The workspaces the caller belongs to, with the caller's role in each")
    @APIResponse(responseCode = "200", description = "Your workspaces", content = @Content(mediaType = "application/json", schema = @Schema(type = SchemaType.ARRAY, implementation = WorkspaceView.class), examples = @ExampleObject(name = "workspaces", value = ApiExamples.WORKSPACES)))
    public List<WorkspaceView> list() {
        return workspaces.list(caller.get());
    }

    @POST
    @Operation(summary = "Create a workspace", description = "Provisioning runs in the background: poll the "
            + "workspace until status is ready (usually well under a second).")
    @APIResponse(responseCode = "201", description = "Created; status is provisioning", content = @Content(mediaType = "application/json", schema = @Schema(implementation = WorkspaceView.class), examples = @ExampleObject(name = "workspace", value = ApiExamples.WORKSPACE)))
    @APIResponse(responseCode = "400", description = "displayName is blank, too long or has a character that does not print (controls, line or paragraph separators, format, private-use, unassigned)")
    @APIResponse(responseCode = "403", description = "The plan's workspace limit is reached")
    public Response create(
            @RequestBody(required = true, content = @Content(mediaType = "application/json", examples = @ExampleObject(name = "workspace", value = ApiExamples.WORKSPACE_NEW))) CreateWorkspace request) {
        WorkspaceView created = workspaces.create(caller.get(), request == null ? null : request.displayName());
        return Response.created(URI.create("/api/v1/workspaces/" + created.id())).entity(created).build();
    }

    @GET
    @Path("{id}")
    @Operation(summary = "One workspace and its provisioning status")
    @APIResponse(responseCode = "404", description = "No such workspace, or the caller is not a member")
    @APIResponse(responseCode = "200", description = "The workspace", content = @Content(mediaType = "application/json", schema = @Schema(implementation = WorkspaceView.class), examples = @ExampleObject(name = "workspace", value = ApiExamples.WORKSPACE)))
    public WorkspaceView get(@PathParam("id") UUID id) {
        return workspaces.get(caller.get(), id);
    }

    @PATCH
    @Path("{id}")
    @Operation(summary = "Rename a workspace (admin or owner)")
    @APIResponse(responseCode = "200", description = "The renamed workspace", content = @Content(mediaType = "application/json", schema = @Schema(implementation = WorkspaceView.class), examples = @ExampleObject(name = "workspace", value = ApiExamples.WORKSPACE)))
    @APIResponse(responseCode = "400", description = "displayName is blank, too long or has a character that does not print (controls, line or paragraph separators, format, private-use, unassigned)")
    @APIResponse(responseCode = "403", description = "Needs the admin or owner role")
    public WorkspaceView rename(@PathParam("id") UUID id,
            @RequestBody(required = true, content = @Content(mediaType = "application/json", examples = @ExampleObject(name = "rename", value = ApiExamples.WORKSPACE_RENAME))) RenameWorkspace request) {
        return workspaces.rename(caller.get(), id, request == null ? null : request.displayName());
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Delete a workspace (owner only)", description = "Every member loses access at once; "
            + "the namespace and everything in it are deleted.")
    @APIResponse(responseCode = "202", description = "Deletion started")
    @APIResponse(responseCode = "403", description = "Only the owner may delete")
    public Response delete(@PathParam("id") UUID id) {
        workspaces.delete(caller.get(), id);
        return Response.accepted().build();
    }

    @POST
    @Path("{id}/transfer")
    @Tag(name = "Members")
    @Operation(summary = "Transfer ownership to another member (owner only); the old owner becomes an admin")
    @APIResponse(responseCode = "200", description = "The members afterwards", content = @Content(mediaType = "application/json", schema = @Schema(type = SchemaType.ARRAY, implementation = MemberView.class), examples = @ExampleObject(name = "members", value = ApiExamples.MEMBERS)))
    @APIResponse(responseCode = "403", description = "Only the owner may transfer")
    public List<MemberView> transfer(@PathParam("id") UUID id,
            @RequestBody(required = true, content = @Content(mediaType = "application/json", examples = @ExampleObject(name = "transfer", value = ApiExamples.TRANSFER))) Transfer transfer) {
        return members.transfer(caller.get(), id, transfer == null ? null : transfer.accountId());
    }
}
