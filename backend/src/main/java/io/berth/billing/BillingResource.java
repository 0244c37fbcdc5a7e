package io.berth.billing;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
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

import io.berth.access.CurrentAccount;
import io.berth.common.ApiExamples;
import io.berth.common.ProblemException;
import io.quarkus.security.Authenticated;

@Path("/api/v1/billing")
@Tag(name = "Billing")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class BillingResource {

    private final CurrentAccount caller;
    private final BillingService billing;
    private final BillingQueries queries;
    private final BillingConfig config;
    private final UsageService usage;

    BillingResource(CurrentAccount caller, BillingService billing, BillingQueries queries, BillingConfig config,
            UsageService usage) {
        this.caller = caller;
        this.billing = billing;
        this.queries = queries;
        this.config = config;
        this.usage = usage;
    }

    @Schema(description = "Amounts are integer micro-units of the currency (1.00 = 1000000)")
    public record Balance(long balanceMicro, String balance, String currency, DebtLifecycle.State state,
            long lowBalanceMicro) {
    }

    public record Redeem(@Schema(examples = "ABCD2EFGH3JKLMNP") String code) {
    }

    @GET
    @Path("balance")
    @Operation(summary = "Your prepaid balance and where it stands in the debt lifecycle")
    @APIResponse(responseCode = "200", description = "Your balance", content = @Content(mediaType = "application/json", schema = @Schema(implementation = Balance.class), examples = @ExampleObject(name = "balance", value = ApiExamples.BALANCE)))
    public Balance balance() {
        BillingQueries.Standing s = queries.standing(caller.get().id);
        return new Balance(s.balanceMicro(), Money.format(s.balanceMicro()), config.currency(), s.state(),
                config.lowBalanceMicro());
    }

    @GET
    @Path("ledger")
    @Operation(summary = "Your ledger: every charge, top-up, credit and adjustment, newest first, with the balance after each")
    @APIResponse(responseCode = "200", description = "Ledger entries", content = @Content(mediaType = "application/json", schema = @Schema(type = SchemaType.ARRAY, implementation = BillingQueries.LedgerEntry.class), examples = @ExampleObject(name = "ledger", value = ApiExamples.LEDGER)))
    public List<BillingQueries.LedgerEntry> ledger(
            @QueryParam("limit") @Parameter(description = "At most 500 (default 100)", schema = @Schema(type = SchemaType.INTEGER, format = "int32", minimum = "1", maximum = "500")) Integer limit) {
        int n = limit == null ? 100 : limit;
        if (n < 1 || n > 500) {
            throw ProblemException.badRequest("limit", "must be between 1 and 500");
        }
        return queries.ledger(caller.get().id, n);
    }

    @GET
    @Path("usage")
    @Operation(summary = "Usage and cost per hour or per day", description = "Of one workspace (any member may look) "
            + "or, without workspaceId, of everything billed to you. Days are days of your time zone.")
    @APIResponse(responseCode = "200", description = "Usage and cost", content = @Content(mediaType = "application/json", schema = @Schema(implementation = UsageService.Usage.class), examples = @ExampleObject(name = "usage", value = ApiExamples.USAGE)))
    @APIResponse(responseCode = "400", description = "from is not before to, or the range is too long")
    public UsageService.Usage usage(@QueryParam("workspaceId") UUID workspaceId,
            @QueryParam("granularity") @Parameter(description = "hour (default) or day") UsageService.Granularity granularity,
            @QueryParam("from") @Parameter(description = "ISO-8601 instant, inclusive") OffsetDateTime from,
            @QueryParam("to") @Parameter(description = "ISO-8601 instant, exclusive") OffsetDateTime to) {
        return usage.usage(caller.get(), workspaceId, granularity, from, to);
    }

    @GET
    @Path("statements")
    @Operation(summary = "Your monthly statements, newest first")
    @APIResponse(responseCode = "200", description = "Your statements", content = @Content(mediaType = "application/json", schema = @Schema(type = SchemaType.ARRAY, implementation = StatementService.Statement.class), examples = @ExampleObject(name = "statements", value = ApiExamples.STATEMENTS)))
    public List<StatementService.Statement> statements() {
        return queries.statements(caller.get().id);
    }

    @GET
    @Path("statements/{id}")
    @Operation(summary = "One statement (JSON)")
    @APIResponse(responseCode = "200", description = "The statement", content = @Content(mediaType = "application/json", schema = @Schema(implementation = StatementService.Statement.class), examples = @ExampleObject(name = "statement", value = ApiExamples.STATEMENT)))
    public StatementService.Statement statement(@PathParam("id") UUID id) {
        return queries.statement(caller.get().id, id);
    }

    @GET
    @Path("statements/{id}/csv")
    @Produces("text/csv")
    @Operation(summary = "One statement as CSV")
    @APIResponse(responseCode = "200", description = "The statement as CSV", content = @Content(mediaType = "text/csv", schema = @Schema(type = SchemaType.STRING, description = "CSV: one line per workspace and line, then the total"), examples = @ExampleObject(name = "csv", value = ApiExamples.STATEMENT_CSV)))
    public Response statementCsv(@PathParam("id") UUID id) {
        return csv(queries.statement(caller.get().id, id));
    }

    /** A statement as a CSV download named after its number. */
    public static Response csv(StatementService.Statement s) {
        return Response.ok(StatementService.csv(s), "text/csv; charset=utf-8")
                .header("Content-Disposition", "attachment; filename=\"berth-statement-" + s.number() + ".csv\"")
                .build();
    }

    @POST
    @Path("vouchers/redeem")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Redeem a voucher code")
    @APIResponse(responseCode = "200", description = "Redeemed", content = @Content(mediaType = "application/json", schema = @Schema(implementation = BillingService.Redeemed.class), examples = @ExampleObject(name = "redeemed", value = ApiExamples.REDEEMED)))
    @APIResponse(responseCode = "404", description = "No such voucher code")
    @APIResponse(responseCode = "409", description = "Already redeemed")
    @APIResponse(responseCode = "410", description = "Expired")
    @APIResponse(responseCode = "429", description = "Too many attempts; see Retry-After")
    public BillingService.Redeemed redeem(
            @RequestBody(required = true, content = @Content(mediaType = "application/json", examples = @ExampleObject(name = "code", value = ApiExamples.REDEEM))) Redeem request) {
        return billing.redeem(caller.get(), request == null ? null : request.code());
    }
}
