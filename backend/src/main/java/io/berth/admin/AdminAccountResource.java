package io.berth.admin;

import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.berth.access.CredentialService;
import io.berth.access.CurrentAccount;
import io.berth.billing.BillingService;
import io.berth.billing.DebtLifecycle;
import io.berth.common.ProblemException;

@Path("/api/v1/admin/accounts")
@Tag(name = "Admin")
@RolesAllowed("platform-admin")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AdminAccountResource {

    private final CredentialService credentials;
    private final BillingService billing;
    private final DebtLifecycle lifecycle;
    private final CurrentAccount caller;

    AdminAccountResource(CredentialService credentials, BillingService billing, DebtLifecycle lifecycle,
            CurrentAccount caller) {
        this.credentials = credentials;
        this.billing = billing;
        this.lifecycle = lifecycle;
        this.caller = caller;
    }

    public record Adjustment(
            @Schema(description = "Positive credits, negative debits; micro-units", examples = "5000000") Long amountMicro,
            @Schema(description = "Why; mandatory, kept in the ledger") String reason) {
    }

    @POST
    @Path("{accountId}/credentials/revoke")
    @Operation(summary = "Revoke every Kubernetes credential of a user")
    public CredentialService.CredentialStatus revoke(@PathParam("accountId") UUID accountId) {
        return credentials.revokeAll(accountId, caller.get());
    }

    @POST
    @Path("{accountId}/adjustments")
    @Operation(summary = "Credit or debit an account with a mandatory reason", description = "Send an "
            + "Idempotency-Key header to make retries safe.")
    public BillingService.Adjusted adjust(@PathParam("accountId") UUID accountId,
            @HeaderParam("Idempotency-Key") String idemKey, @RequestBody(required = true) Adjustment body) {
        if (body == null || body.amountMicro() == null) {
            throw ProblemException.badRequest("amountMicro", "is required");
        }
        return billing.adjust(accountId, body.amountMicro(), body.reason(), idemKey, caller.get());
    }

    @POST
    @Path("{accountId}/billing/evaluate")
    @Operation(summary = "Evaluate an account's debt lifecycle now")
    public String evaluate(@PathParam("accountId") UUID accountId) {
        return lifecycle.evaluate(accountId).name();
    }
}
