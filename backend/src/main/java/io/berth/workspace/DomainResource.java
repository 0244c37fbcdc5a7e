package io.berth.workspace;

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
import io.quarkus.security.Authenticated;

@Path("/api/v1/workspaces/{id}/domains")
@Tag(name = "Domains")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class DomainResource {

    static final String EXAMPLE = "{\"domain\":\"shop.example.com\",\"status\":\"pending\",\"record\":{\"name\":"
            + "\"_berth-challenge.shop.example.com\",\"type\":\"TXT\",\"value\":"
            + "\"berth-verify=q3J0dW5hLXRva2VuLWV4YW1wbGUtMDAx\"},\"tlsSecretName\":\"shop-tls\","
            + "\"createdAt\":\"2026-12-02T10:00:00Z\"}";

    static final String VERIFIED = "{\"domain\":\"shop.example.com\",\"status\":\"verified\",\"record\":{\"name\":"
            + "\"_berth-challenge.shop.example.com\",\"type\":\"TXT\",\"value\":"
            + "\"berth-verify=q3J0dW5hLXRva2VuLWV4YW1wbGUtMDAx\"},\"tlsSecretName\":\"shop-tls\","
            + "\"createdAt\":\"2026-12-02T10:00:00Z\",\"verifiedAt\":\"2026-12-02T10:05:00Z\"}";

    private final DomainService domains;
    private final CurrentAccount caller;

    DomainResource(DomainService domains, CurrentAccount caller) {
        this.domains = domains;
        this.caller = caller;
    }

    public record NewDomain(
            @Schema(description = "An exact DNS name (no wildcard), not under the apps domain", examples = "shop.example.com") String domain,
            @Schema(description = "Optional: a kubernetes.io/tls Secret in the workspace's namespace that the gateway "
                    + "serves for this domain over HTTPS", examples = "shop-tls") String tlsSecretName) {
    }

    @GET
    @Operation(summary = "The workspace's custom domains", description = "Each with its status and the exact TXT "
            + "record that verifies it.")
    @APIResponse(responseCode = "200", description = "The domains", content = @Content(mediaType = "application/json", schema = @Schema(type = SchemaType.ARRAY, implementation = DomainView.class), examples = @ExampleObject(name = "domains", value = "["
            + EXAMPLE + "]")))
    public List<DomainView> list(@PathParam("id") UUID id) {
        return domains.list(caller.get(), id);
    }

    @POST
    @Operation(summary = "Add a custom domain (admin or owner)", description = "The domain is pending until "
            + "verified: create the TXT record the answer names at the domain's DNS provider, then verify.")
    @APIResponse(responseCode = "201", description = "Added, pending", content = @Content(mediaType = "application/json", schema = @Schema(implementation = DomainView.class), examples = @ExampleObject(name = "domain", value = EXAMPLE)))
    @APIResponse(responseCode = "400", description = "Not a domain Berth accepts (the field is named)")
    @APIResponse(responseCode = "409", description = "Already added, verified for another workspace, or too many")
    public Response add(@PathParam("id") UUID id,
            @RequestBody(required = true, content = @Content(mediaType = "application/json", examples = @ExampleObject(name = "domain", value = "{\"domain\":\"shop.example.com\",\"tlsSecretName\":\"shop-tls\"}"))) NewDomain body) {
        DomainView added = domains.add(caller.get(), id, body == null ? null : body.domain(),
                body == null ? null : body.tlsSecretName());
        return Response.status(Response.Status.CREATED).entity(added).build();
    }

    @POST
    @Path("{domain}/verify")
    @Operation(summary = "Verify a custom domain (admin or owner)", description = "Looks up the domain's TXT "
            + "record; found, the domain is verified: routes and Ingresses of the workspace may use it and the "
            + "workspace's Gateway serves it within seconds.")
    @APIResponse(responseCode = "200", description = "Verified", content = @Content(mediaType = "application/json", schema = @Schema(implementation = DomainView.class), examples = @ExampleObject(name = "verified", value = VERIFIED)))
    @APIResponse(responseCode = "409", description = "The TXT record is missing or holds another value (the "
            + "detail names what was found), or the domain is verified for another workspace")
    @APIResponse(responseCode = "503", description = "DNS did not answer")
    public DomainView verify(@PathParam("id") UUID id, @PathParam("domain") String domain) {
        return domains.verify(caller.get(), id, domain);
    }

    @DELETE
    @Path("{domain}")
    @Operation(summary = "Delete a custom domain (admin or owner)", description = "Routes for it are no longer "
            + "admitted and the Gateway stops serving it.")
    @APIResponse(responseCode = "204", description = "Deleted")
    public Response delete(@PathParam("id") UUID id, @PathParam("domain") String domain) {
        domains.delete(caller.get(), id, domain);
        return Response.noContent().build();
    }
}
