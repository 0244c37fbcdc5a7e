package io.berth.admin;

import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.berth.access.CurrentAccount;
import io.berth.billing.BillingJobs;
import io.berth.billing.BillingRuns;
import io.berth.billing.BillingService;
import io.berth.billing.Ledger;
import io.berth.billing.Rating;
import io.berth.common.ApiExamples;
import io.berth.common.ProblemException;

@Path("/api/v1/admin/billing")
@Tag(name = "Admin")
@RolesAllowed("platform-admin")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class AdminBillingResource {

    private final CurrentAccount caller;
    private final BillingService billing;
    private final BillingRuns runs;
    private final BillingJobs jobs;
    private final AdminService admin;
    private final AuditLog audit;

    AdminBillingResource(CurrentAccount caller, BillingService billing, BillingRuns runs, BillingJobs jobs,
            AdminService admin, AuditLog audit) {
        this.caller = caller;
        this.billing = billing;
        this.runs = runs;
        this.jobs = jobs;
        this.admin = admin;
        this.audit = audit;
    }

    public record NewVoucherBatch(@Schema(examples = "Meetup Berlin, November") String name,
            @Schema(examples = "10000000") Long amountMicro, @Schema(examples = "50") Integer count,
            @Schema(examples = "2027-01-01T00:00:00Z") OffsetDateTime expiresAt,
            @Schema(examples = "1") Integer perAccountLimit) {
    }

    @POST
    @Path("voucher-batches")
    @Operation(summary = "Issue a batch of single-use voucher codes", description = "The codes are in this answer "
            + "only; Berth keeps their hashes. Written to the audit log (without the codes).")
    @APIResponse(responseCode = "200", description = "The batch and its codes", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = BillingService.VoucherBatch.class), examples = @ExampleObject(name = "batch", value = "{\"id\":\"2f1e0d9c-8b7a-4c5d-9e0f-1a2b3c4d5e6f\",\"name\":\"Meetup Berlin, November\",\"amountMicro\":10000000,\"expiresAt\":\"2027-01-01T00:00:00Z\",\"perAccountLimit\":1,\"codes\":[\"K7QW2MZP4XRT9HBN\"]}")))
    @APIResponse(responseCode = "400", description = "A field is invalid (named in errors[].field)")
    public BillingService.VoucherBatch vouchers(
            @RequestBody(required = true, content = @Content(mediaType = "application/json", examples = @ExampleObject(name = "batch", value = ApiExamples.VOUCHER_BATCH_NEW))) NewVoucherBatch b) {
        if (b == null) {
            throw ProblemException.badRequest("body", "is required");
        }
        return admin.createVouchers(caller.get(), AuditLog.Via.api, b.name(),
                b.amountMicro() == null ? 0 : b.amountMicro(), b.count() == null ? 0 : b.count(), b.expiresAt(),
                b.perAccountLimit() == null ? 1 : b.perAccountLimit());
    }

    @POST
    @Path("rate")
    @Operation(summary = "Rate one hour now (idempotent), or, without hour, everything due")
    @APIResponse(responseCode = "200", description = "What was rated", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(oneOf = {
            Rating.Result.class,
            Rating.Result[].class}), examples = @ExampleObject(name = "hour", value = "{\"hour\":\"2026-11-20T09:00:00Z\",\"lines\":42,\"charges\":7,\"chargedMicro\":1234567,\"allowances\":0}")))
    public Object rate(
            @QueryParam("hour") @Parameter(description = "Start of a UTC hour, e.g. 2026-11-20T09:00:00Z") OffsetDateTime hour)
            throws SQLException {
        if (hour == null) {
            Object due = runs.runDue().hours();
            audit.record(caller.get(), AuditLog.Via.api, "billing.rate", "billing", null, null, "everything due");
            return due;
        }
        if (!hour.truncatedTo(java.time.temporal.ChronoUnit.HOURS).equals(hour)) {
            throw ProblemException.badRequest("hour", "must be the start of an hour");
        }
        Rating.Result r = runs.rateHour(hour);
        audit.record(caller.get(), AuditLog.Via.api, "billing.rate", "billing", null, null, "hour " + hour);
        return r;
    }

    @GET
    @Path("ledger-check")
    @Operation(summary = "Ledger invariants: every transaction balances, every balance equals its entries, every charge "
            + "equals its rating lines. Empty means no drift.")
    @APIResponse(responseCode = "200", description = "The rows that break an invariant", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.ARRAY, implementation = Ledger.Drift.class), examples = @ExampleObject(name = "clean", value = "[]")))
    public List<Ledger.Drift> ledgerCheck() throws SQLException {
        return jobs.checkLedger();
    }
}
