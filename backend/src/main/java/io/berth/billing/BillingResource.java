package io.berth.billing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.persistence.EntityManager;
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
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.agroal.api.AgroalDataSource;
import io.berth.access.Account;
import io.berth.access.CurrentAccount;
import io.berth.common.ApiExamples;
import io.berth.common.ProblemException;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.security.Authenticated;

@Path("/api/v1/billing")
@Tag(name = "Billing")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class BillingResource {

    private final CurrentAccount caller;
    private final BillingService billing;
    private final BillingConfig config;
    private final UsageService usage;
    private final StatementService statements;
    private final AgroalDataSource dataSource;
    private final EntityManager em;

    BillingResource(CurrentAccount caller, BillingService billing, BillingConfig config, UsageService usage,
            StatementService statements, AgroalDataSource dataSource, EntityManager em) {
        this.caller = caller;
        this.billing = billing;
        this.config = config;
        this.usage = usage;
        this.statements = statements;
        this.dataSource = dataSource;
        this.em = em;
    }

    @Schema(description = "Amounts are integer micro-units of the currency (1.00 = 1000000)")
    public record Balance(long balanceMicro, String balance, String currency, String state, long lowBalanceMicro) {
    }

    public record Entry(UUID transactionId, String kind, String description, String reason, long amountMicro,
            long balanceAfterMicro, OffsetDateTime createdAt) {
    }

    public record Redeem(@Schema(examples = "ABCD2EFGH3JKLMNP") String code) {
    }

    @GET
    @Path("balance")
    @Operation(summary = "Your prepaid balance and where it stands in the debt lifecycle")
    @APIResponse(responseCode = "200", description = "Your balance", content = @Content(mediaType = "application/json", examples = @ExampleObject(name = "balance", value = ApiExamples.BALANCE)))
    public Balance balance() {
        Account a = caller.get();
        long micros = billing.balance(a.id);
        String state = QuarkusTransaction.requiringNew().call(() -> (String) em.createNativeQuery(
                "SELECT coalesce((SELECT state FROM account_billing_state WHERE account_id = ?1), 'good')")
                .setParameter(1, a.id).getSingleResult());
        return new Balance(micros, Money.format(micros), config.currency(), state, config.lowBalanceMicro());
    }

    @GET
    @Path("ledger")
    @Operation(summary = "Your ledger: every charge, top-up, credit and adjustment, newest first, with the balance after each")
    @APIResponse(responseCode = "200", description = "Ledger entries", content = @Content(mediaType = "application/json", examples = @ExampleObject(name = "ledger", value = ApiExamples.LEDGER)))
    public List<Entry> ledger(
            @QueryParam("limit") @Parameter(description = "At most 500 (default 100)") Integer limit) {
        int n = limit == null ? 100 : limit;
        if (n < 1 || n > 500) {
            throw ProblemException.badRequest("limit", "must be between 1 and 500");
        }
        List<Entry> out = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement("""
                SELECT t.id, t.kind, t.description, t.reason, e.amount_micro,
                       sum(e.amount_micro) OVER (ORDER BY t.created_at, e.id) AS balance_after, t.created_at
                FROM ledger_entry e JOIN ledger_transaction t ON t.id = e.transaction_id
                WHERE e.account_id = ?
                ORDER BY t.created_at DESC, e.id DESC LIMIT ?""")) {
            ps.setObject(1, caller.get().id);
            ps.setInt(2, n);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Entry(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getLong(5), rs.getLong(6), rs.getObject(7, OffsetDateTime.class)
                                    .withOffsetSameInstant(ZoneOffset.UTC)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    @GET
    @Path("usage")
    @Operation(summary = "Usage and cost per hour or per day", description = "Of one workspace (any member may look) "
            + "or, without workspaceId, of everything billed to you. Days are days of your time zone.")
    @APIResponse(responseCode = "200", description = "Usage and cost", content = @Content(mediaType = "application/json", examples = @ExampleObject(name = "usage", value = ApiExamples.USAGE)))
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
    @APIResponse(responseCode = "200", description = "Your statements", content = @Content(mediaType = "application/json", examples = @ExampleObject(name = "statements", value = ApiExamples.STATEMENTS)))
    public List<StatementService.Statement> statements() {
        return statements.list(caller.get().id);
    }

    @GET
    @Path("statements/{id}")
    @Operation(summary = "One statement (JSON)")
    @APIResponse(responseCode = "200", description = "The statement", content = @Content(mediaType = "application/json", examples = @ExampleObject(name = "statement", value = ApiExamples.STATEMENT)))
    public StatementService.Statement statement(@PathParam("id") UUID id) {
        return mine(id);
    }

    @GET
    @Path("statements/{id}/csv")
    @Produces("text/csv")
    @Operation(summary = "One statement as CSV")
    @APIResponse(responseCode = "200", description = "The statement as CSV", content = @Content(mediaType = "text/csv", examples = @ExampleObject(name = "csv", value = ApiExamples.STATEMENT_CSV)))
    public Response statementCsv(@PathParam("id") UUID id) {
        StatementService.Statement s = mine(id);
        return Response.ok(StatementService.csv(s), "text/csv; charset=utf-8")
                .header("Content-Disposition", "attachment; filename=\"berth-statement-" + s.number() + ".csv\"")
                .build();
    }

    @POST
    @Path("vouchers/redeem")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Redeem a voucher code")
    @APIResponse(responseCode = "200", description = "Redeemed", content = @Content(mediaType = "application/json", examples = @ExampleObject(name = "redeemed", value = ApiExamples.REDEEMED)))
    @APIResponse(responseCode = "404", description = "No such voucher code")
    @APIResponse(responseCode = "409", description = "Already redeemed")
    @APIResponse(responseCode = "410", description = "Expired")
    @APIResponse(responseCode = "429", description = "Too many attempts; see Retry-After")
    public BillingService.Redeemed redeem(
            @RequestBody(required = true, content = @Content(mediaType = "application/json", examples = @ExampleObject(name = "code", value = ApiExamples.REDEEM))) Redeem request) {
        return billing.redeem(caller.get(), request == null ? null : request.code());
    }

    private StatementService.Statement mine(UUID id) {
        StatementService.Statement s = QuarkusTransaction.requiringNew().call(() -> statements.get(id));
        if (!s.accountId().equals(caller.get().id)) {
            throw ProblemException.notFound("No statement " + id);
        }
        return s;
    }
}
