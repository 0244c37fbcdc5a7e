package io.berth.admin;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.berth.access.CredentialService;
import io.berth.access.CurrentAccount;

@Path("/api/v1/admin/accounts")
@Tag(name = "Admin")
@RolesAllowed("platform-admin")
@Produces(MediaType.APPLICATION_JSON)
public class AdminAccountResource {

    private final CredentialService credentials;
    private final CurrentAccount caller;

    AdminAccountResource(CredentialService credentials, CurrentAccount caller) {
        this.credentials = credentials;
        this.caller = caller;
    }

    @POST
    @Path("{accountId}/credentials/revoke")
    @Operation(summary = "Revoke every Kubernetes credential of a user (platform admins)")
    public CredentialService.CredentialStatus revoke(@PathParam("accountId") UUID accountId) {
        return credentials.revokeAll(accountId, caller.get());
    }
}
