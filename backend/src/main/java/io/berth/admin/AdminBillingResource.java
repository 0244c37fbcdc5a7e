package io.berth.admin;

import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.berth.access.CurrentAccount;
import io.berth.billing.BillingJobs;
import io.berth.billing.BillingRuns;
import io.berth.billing.BillingService;
import io.berth.billing.DebtLifecycle;
import io.berth.billing.Ledger;
import io.berth.billing.Rating;
import io.berth.common.ProblemException;
import io.berth.plan.PlanService;
import io.berth.plan.PlanView;

@Path("/api/v1/admin")
@Tag(name = "Admin")
@RolesAllowed("platform-admin")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AdminBillingResource {

    private final CurrentAccount caller;
    private final BillingService billing;
    private final BillingRuns runs;
    private final BillingJobs jobs;
    private final DebtLifecycle lifecycle;
    private final PlanService plans;

    AdminBillingResource(CurrentAccount caller, BillingService billing, BillingRuns runs, BillingJobs jobs,
            DebtLifecycle lifecycle, PlanService plans) {
        this.caller = caller;
        this.billing = billing;
        this.runs = runs;
        this.jobs = jobs;
        this.lifecycle = lifecycle;
        this.plans = plans;
    }

    public record Adjustment(
            @Schema(description = "Positive credits, negative debits; micro-units", examples = "5000000") Long amountMicro,
            @Schema(description = "Why; mandatory, kept in the ledger") String reason) {
    }

    public record NewVoucherBatch(String name, Long amountMicro, Integer count, OffsetDateTime expiresAt,
            Integer perAccountLimit) {
    }

    @GET
    @Path("plans")
    @Operation(summary = "Every plan, active or not")
    public List<PlanView> plans() {
        return plans.list(false);
    }

    @PUT
    @Path("plans/{id}")
    @Operation(summary = "Create or replace a plan (quotas and prices); workspaces on it get the new quotas")
    public PlanView putPlan(@PathParam("id") String id, @RequestBody(required = true) PlanView plan) {
        return plans.put(id, plan);
    }

    @POST
    @Path("accounts/{accountId}/adjustments")
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
    @Path("voucher-batches")
    @Operation(summary = "Issue a batch of single-use voucher codes", description = "The codes are in this answer "
            + "only; Berth keeps their hashes.")
    public BillingService.VoucherBatch vouchers(@RequestBody(required = true) NewVoucherBatch b) {
        if (b == null) {
            throw ProblemException.badRequest("body", "is required");
        }
        return billing.createVouchers(b.name(), b.amountMicro() == null ? 0 : b.amountMicro(),
                b.count() == null ? 0 : b.count(), b.expiresAt(), b.perAccountLimit() == null ? 1 : b.perAccountLimit(),
                caller.get());
    }

    @POST
    @Path("billing/rate")
    @Operation(summary = "Rate one hour now (idempotent), or, without hour, everything due")
    public Object rate(@QueryParam("hour") OffsetDateTime hour) throws SQLException {
        if (hour == null) {
            return runs.runDue().hours();
        }
        if (!hour.truncatedTo(java.time.temporal.ChronoUnit.HOURS).equals(hour)) {
            throw ProblemException.badRequest("hour", "must be the start of an hour");
        }
        Rating.Result r = runs.rateHour(hour);
        return r;
    }

    @GET
    @Path("billing/ledger-check")
    @Operation(summary = "Ledger invariants: every transaction balances, every balance equals its entries, every charge "
            + "equals its rating lines. Empty means no drift.")
    public List<Ledger.Drift> ledgerCheck() throws SQLException {
        return jobs.checkLedger();
    }

    @POST
    @Path("accounts/{accountId}/billing/evaluate")
    @Operation(summary = "Evaluate an account's debt lifecycle now")
    public String evaluate(@PathParam("accountId") UUID accountId) {
        return lifecycle.evaluate(accountId).name();
    }
}
