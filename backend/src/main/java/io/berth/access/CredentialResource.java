package io.berth.access;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.berth.common.ApiExamples;
import io.quarkus.security.Authenticated;

/** Your Kubernetes credential: when it was issued, and rotating it (the kubeconfig itself is the workspaces'). */
@Path("/api/v1/me")
@Tag(name = "Kubeconfig and credentials")
@Authenticated
public class CredentialResource {

    private final CredentialService credentials;
    private final CurrentAccount caller;

    CredentialResource(CredentialService credentials, CurrentAccount caller) {
        this.credentials = credentials;
        this.caller = caller;
    }

    @GET
    @Path("credentials")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Your Kubernetes credential: when the latest token was issued and when it expires")
    @APIResponse(responseCode = "200", description = "The credential", content = @Content(mediaType = "application/json", schema = @Schema(implementation = CredentialService.CredentialStatus.class), examples = @ExampleObject(name = "credential", value = ApiExamples.CREDENTIAL)))
    public CredentialService.CredentialStatus status() {
        return credentials.status(caller.get());
    }

    @POST
    @Path("credentials/rotate")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Rotate your credential", description = "Every token issued before stops working at "
            + "once; download a new kubeconfig afterwards.")
    @APIResponse(responseCode = "200", description = "The new credential; download a new kubeconfig", content = @Content(mediaType = "application/json", schema = @Schema(implementation = CredentialService.CredentialStatus.class), examples = @ExampleObject(name = "rotated", value = ApiExamples.CREDENTIAL)))
    public CredentialService.CredentialStatus rotate() {
        return credentials.rotate(caller.get());
    }
}
