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
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.berth.access.CurrentAccount;
import io.berth.billing.BillingJobs;
import io.berth.billing.BillingRuns;
import io.berth.billing.BillingService;
import io.berth.billing.Ledger;
import io.berth.billing.Rating;
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

    AdminBillingResource(CurrentAccount caller, BillingService billing, BillingRuns runs, BillingJobs jobs) {
        this.caller = caller;
        this.billing = billing;
        this.runs = runs;
        this.jobs = jobs;
    }

    public record NewVoucherBatch(String name, Long amountMicro, Integer count, OffsetDateTime expiresAt,
            Integer perAccountLimit) {
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
    @Path("rate")
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
    @Path("ledger-check")
    @Operation(summary = "Ledger invariants: every transaction balances, every balance equals its entries, every charge "
            + "equals its rating lines. Empty means no drift.")
    public List<Ledger.Drift> ledgerCheck() throws SQLException {
        return jobs.checkLedger();
    }
}
