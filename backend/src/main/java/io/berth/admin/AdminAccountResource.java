package io.berth.admin;

import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.berth.access.CredentialService;
import io.berth.access.CurrentAccount;
import io.berth.billing.BillingService;
import io.berth.billing.DebtLifecycle;
import io.berth.common.ApiExamples;
import io.berth.common.InputBounds;
import io.berth.common.Paged;

@Path("/api/v1/admin/accounts")
@Tag(name = "Admin")
@RolesAllowed("platform-admin")
@Produces(MediaType.APPLICATION_JSON)
public class AdminAccountResource {

    private final DebtLifecycle lifecycle;
    private final CurrentAccount caller;
    private final AdminService admin;
    private final AdminQueries queries;
    private final AuditLog audit;

    AdminAccountResource(DebtLifecycle lifecycle, CurrentAccount caller, AdminService admin, AdminQueries queries,
            AuditLog audit) {
        this.lifecycle = lifecycle;
        this.caller = caller;
        this.admin = admin;
        this.queries = queries;
        this.audit = audit;
    }

    public record Adjustment(
            @Schema(description = "Positive credits, negative debits; micro-units", examples = "5000000") Long amountMicro,
            @Schema(description = "Why; mandatory, kept in the ledger", examples = "Refund for the outage of 3 March") String reason) {
    }

    public record Suspension(@Schema(description = "Why; mandatory, kept in the audit log", examples = "Crypto mining "
            + "against the terms of service") String reason) {
    }

    /** The shape of {@code Paged<AccountRow>} for the OpenAPI document, which cannot name a generic type. */
    @Schema(name = "AccountPage")
    static final class AccountPage {
        public List<AdminQueries.AccountRow> items;
        public int page;
        public int pageSize;
        public long total;
    }

    public record PlanChange(@Schema(examples = "team") String planId) {
    }

    @GET
    @Operation(summary = "Accounts, newest first, 20 per page", description = "q matches part of the username or "
            + "e-mail address, or a whole account id.")
    @APIResponse(responseCode = "200", description = "One page", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AccountPage.class), examples = @ExampleObject(name = "page", value = "{\"items\":[{\"id\":\"7c1e1d3a-2f4b-4f7e-9a0e-3b8d2c1f0a11\",\"username\":\"ana\",\"email\":\"ana@example.com\",\"status\":\"active\",\"plan\":\"free\",\"createdAt\":\"2026-11-01T09:00:00Z\",\"balanceMicro\":4210000,\"billingState\":\"good\",\"workspaces\":2}],\"page\":1,\"pageSize\":20,\"total\":1}")))
    public Paged<AdminQueries.AccountRow> accounts(
            @QueryParam("q") @Parameter(schema = @Schema(type = SchemaType.STRING, maxLength = InputBounds.MAX_PARAMETER_LENGTH)) String q,
            @QueryParam("page") @DefaultValue("1") @Parameter(description = "1-based page", schema = @Schema(type = SchemaType.INTEGER, format = "int32", minimum = "1", maximum = Paged.MAX_PAGE_TEXT)) int page) {
        return queries.accounts(q, page);
    }

    @POST
    @Path("{accountId}/credentials/revoke")
    @Operation(summary = "Revoke every Kubernetes credential and API token of a user", description = "Kubeconfigs "
            + "stop working within seconds; the user downloads a new one. Written to the audit log.")
    @APIResponse(responseCode = "200", description = "The new credential state", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CredentialService.CredentialStatus.class), examples = @ExampleObject(name = "revoked", value = "{\"epoch\":3,\"rotatedAt\":\"2026-11-20T10:00:00Z\",\"kubernetesUsername\":\"system:serviceaccount:berth-users:u-7c1e1d3a-e3\"}")))
    public CredentialService.CredentialStatus revoke(@PathParam("accountId") UUID accountId) {
        return admin.revokeCredentials(caller.get(), AuditLog.Via.api, accountId);
    }

    @POST
    @Path("{accountId}/adjustments")
    @Operation(summary = "Credit or debit an account with a mandatory reason", description = "Send an "
            + "Idempotency-Key header to make retries safe. Written to the audit log.")
    @APIResponse(responseCode = "200", description = "Posted (created=false: this key was already used)", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = BillingService.Adjusted.class), examples = @ExampleObject(name = "adjusted", value = "{\"transactionId\":\"5b0e7f1c-1a2b-4c3d-8e9f-0a1b2c3d4e5f\",\"created\":true,\"balanceMicro\":9210000}")))
    @APIResponse(responseCode = "400", description = "amountMicro missing or zero, or reason missing")
    @Consumes(MediaType.APPLICATION_JSON)
    public BillingService.Adjusted adjust(@PathParam("accountId") UUID accountId,
            @HeaderParam("Idempotency-Key") @Parameter(description = "Makes retries safe", schema = @Schema(type = SchemaType.STRING, maxLength = InputBounds.MAX_PARAMETER_LENGTH)) String idemKey,
            @RequestBody(required = true, content = @Content(mediaType = "application/json", examples = @ExampleObject(name = "credit", value = ApiExamples.ADJUSTMENT))) Adjustment body) {
        return admin.adjust(caller.get(), AuditLog.Via.api, accountId, body == null ? null : body.amountMicro(),
                body == null ? null : body.reason(), idemKey);
    }

    @POST
    @Path("{accountId}/suspend")
    @Operation(summary = "Suspend an account", description = "It can no longer sign in to the console or use the "
            + "API or its tokens; its Kubernetes identity is revoked and the workspaces it owns run nothing, until "
            + "an admin resumes it. Top-ups do not lift it.")
    @APIResponse(responseCode = "204", description = "Suspended (or already was)")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response suspend(@PathParam("accountId") UUID accountId,
            @RequestBody(required = true, content = @Content(mediaType = "application/json", examples = @ExampleObject(name = "suspension", value = ApiExamples.SUSPENSION))) Suspension body) {
        admin.suspend(caller.get(), AuditLog.Via.api, accountId, body == null ? null : body.reason());
        return Response.noContent().build();
    }

    @POST
    @Path("{accountId}/resume")
    @Operation(summary = "Resume an account an admin suspended", description = "Workspaces run again unless the "
            + "account is in debt.")
    @APIResponse(responseCode = "204", description = "Resumed (or was not suspended)")
    public Response resume(@PathParam("accountId") UUID accountId) {
        admin.resume(caller.get(), AuditLog.Via.api, accountId);
        return Response.noContent().build();
    }

    @PUT
    @Path("{accountId}/plan")
    @Operation(summary = "Move an account and the workspaces it owns to another plan", description = "New quotas "
            + "apply within seconds; hours already rated keep their prices.")
    @APIResponse(responseCode = "204", description = "Changed")
    @APIResponse(responseCode = "400", description = "planId names no plan")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response changePlan(@PathParam("accountId") UUID accountId,
            @RequestBody(required = true, content = @Content(mediaType = "application/json", examples = @ExampleObject(name = "plan", value = ApiExamples.PLAN_CHANGE))) PlanChange body) {
        admin.changePlan(caller.get(), AuditLog.Via.api, accountId, body == null ? null : body.planId());
        return Response.noContent().build();
    }

    @POST
    @Path("{accountId}/billing/evaluate")
    @Operation(summary = "Evaluate an account's debt lifecycle now")
    @APIResponse(responseCode = "200", description = "The state afterwards", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DebtLifecycle.State.class), examples = @ExampleObject(name = "state", value = "\"suspended\"")))
    public String evaluate(@PathParam("accountId") UUID accountId) {
        String state = lifecycle.evaluate(accountId).name();
        audit.record(caller.get(), AuditLog.Via.api, "billing.evaluate", "account", accountId, null, "state " + state);
        return state;
    }
}
