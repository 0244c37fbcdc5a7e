package io.berth.token;

import java.net.URI;
import java.time.OffsetDateTime;
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

@Path("/api/v1/me/tokens")
@Tag(name = "API tokens", description = "Personal access tokens for scripts and CI. Manage them with a Keycloak "
        + "access token (never with an API token); use them as 'Authorization: Bearer berth_pat_...'.")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class ApiTokenResource {

    private final ApiTokenService tokens;
    private final CurrentAccount caller;

    ApiTokenResource(ApiTokenService tokens, CurrentAccount caller) {
        this.tokens = tokens;
        this.caller = caller;
    }

    @Schema(description = "A new API token")
    public record NewToken(@Schema(examples = "CI deploys", maxLength = 80) String name,
            @Schema(description = "read, workspaces and/or billing", examples = "[\"read\"]") List<String> scopes,
            @Schema(description = "When the token stops working; at most 366 days away", examples = "2027-01-31T00:00:00Z") OffsetDateTime expiresAt) {
    }

    @GET
    @Operation(summary = "Your API tokens (never the tokens themselves)")
    @APIResponse(responseCode = "200", description = "The tokens, newest first", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.ARRAY, implementation = ApiTokenService.TokenView.class), examples = @ExampleObject(name = "tokens", value = "[{\"id\":\"0d6f0c7e-8c1e-4b8e-9a51-1f0e2a7d9c11\",\"name\":\"CI deploys\",\"displayPrefix\":\"berth_pat_Xk3d\",\"scopes\":[\"read\",\"workspaces\"],\"createdAt\":\"2026-11-01T10:00:00Z\",\"expiresAt\":\"2027-01-31T00:00:00Z\",\"lastUsedAt\":\"2026-11-20T08:12:00Z\",\"active\":true}]")))
    public List<ApiTokenService.TokenView> list() {
        return tokens.list(caller.requireInteractive());
    }

    @POST
    @Operation(summary = "Make an API token", description = "The token is in this answer only; Berth keeps its "
            + "SHA-256. Limited to 10 per hour per account.")
    @APIResponse(responseCode = "201", description = "Made; copy the token now", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiTokenService.TokenView.class), examples = @ExampleObject(name = "created", value = "{\"id\":\"0d6f0c7e-8c1e-4b8e-9a51-1f0e2a7d9c11\",\"name\":\"CI deploys\",\"displayPrefix\":\"berth_pat_Xk3d\",\"scopes\":[\"read\"],\"createdAt\":\"2026-11-01T10:00:00Z\",\"expiresAt\":\"2027-01-31T00:00:00Z\",\"active\":true,\"token\":\"berth_pat_Xk3dQ0s9...\"}")))
    @APIResponse(responseCode = "400", description = "name, scopes or expiresAt is invalid (named in errors[].field)")
    @APIResponse(responseCode = "403", description = "Called with an API token")
    @APIResponse(responseCode = "429", description = "Too many tokens made recently; see Retry-After")
    public Response create(
            @RequestBody(required = true, content = @Content(mediaType = "application/json", examples = @ExampleObject(name = "token", value = ApiExamples.TOKEN_NEW))) NewToken request) {
        if (request == null) {
            throw io.berth.common.ProblemException.badRequest("name", "is required");
        }
        ApiTokenService.TokenView created = tokens.create(caller.requireInteractive(), request.name(),
                TokenScope.parse(request.scopes()), request.expiresAt());
        return Response.created(URI.create("/api/v1/me/tokens/" + created.id())).entity(created).build();
    }

    @DELETE
    @Path("{id}")
    @Operation(summary = "Revoke an API token", description = "It stops working at once.")
    @APIResponse(responseCode = "204", description = "Revoked (or already was)")
    @APIResponse(responseCode = "404", description = "None of your tokens has this id")
    public Response revoke(@PathParam("id") UUID id) {
        tokens.revoke(caller.requireInteractive(), id);
        return Response.noContent().build();
    }
}
