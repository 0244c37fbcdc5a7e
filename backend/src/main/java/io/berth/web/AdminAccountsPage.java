package io.berth.web;

import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.berth.access.Account;
import io.berth.access.AccountQueries;
import io.berth.admin.AdminQueries;
import io.berth.admin.AdminService;
import io.berth.admin.AuditLog;
import io.berth.billing.BillingQueries;
import io.berth.billing.Money;
import io.berth.billing.UsageService;
import io.berth.common.Paged;
import io.berth.common.ProblemException;
import io.berth.plan.PlanService;
import io.berth.plan.PlanView;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/** Accounts: search, one account's usage, money and workspaces, and the actions an admin takes on it. */
@Path("/admin/accounts")
@RolesAllowed(Pages.ADMIN_ROLE)
@Produces(MediaType.TEXT_HTML)
public class AdminAccountsPage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance accounts(Shell shell, String q,
                Paged<AdminQueries.AccountRow> page);

        static native TemplateInstance account(Shell shell, Flash flash, AdminQueries.AccountDetail account,
                Paged<AdminQueries.WorkspaceRow> workspaces, Usage usage,
                List<BillingQueries.LedgerEntry> ledger, List<AuditLog.Entry> audit, List<PlanView> plans,
                String formKey);
    }

    public record Usage(String granularity, Charts.Spec cost, Charts.Spec usage, long totalMicro) {
        public boolean daily() {
            return granularity.equals("day");
        }
    }

    private final Pages pages;
    private final AdminQueries queries;
    private final AdminService admin;
    private final AuditLog audit;
    private final UsageService usage;
    private final BillingQueries billing;
    private final AccountQueries accounts;
    private final PlanService plans;

    AdminAccountsPage(Pages pages, AdminQueries queries, AdminService admin, AuditLog audit, UsageService usage,
            BillingQueries billing, AccountQueries accounts, PlanService plans) {
        this.pages = pages;
        this.queries = queries;
        this.admin = admin;
        this.audit = audit;
        this.usage = usage;
        this.billing = billing;
        this.accounts = accounts;
        this.plans = plans;
    }

    @GET
    @Operation(hidden = true)
    public TemplateInstance list(@QueryParam("q") String q, @QueryParam("page") @DefaultValue("1") int page) {
        return Templates.accounts(pages.shell("admin-accounts"), q == null ? "" : q, queries.accounts(q, page));
    }

    @GET
    @Path("{id}")
    @Operation(hidden = true)
    public TemplateInstance get(@PathParam("id") UUID id, @QueryParam("done") String done,
            @QueryParam("granularity") @DefaultValue("day") String granularity) {
        return render(id, Flash.done(done), granularity);
    }

    @POST
    @Path("{id}/adjust")
    @Operation(hidden = true)
    public Response adjust(@PathParam("id") UUID id, @FormParam("amount") String amount,
            @FormParam("reason") String reason, @FormParam("idempotencyKey") String key) {
        return act(id, () -> admin.adjust(pages.account(), AuditLog.Via.console, id, micros(amount), reason, key),
                "adjusted");
    }

    @POST
    @Path("{id}/suspend")
    @Operation(hidden = true)
    public Response suspend(@PathParam("id") UUID id, @FormParam("reason") String reason) {
        return act(id, () -> admin.suspend(pages.account(), AuditLog.Via.console, id, reason), "suspended");
    }

    @POST
    @Path("{id}/resume")
    @Operation(hidden = true)
    public Response resume(@PathParam("id") UUID id) {
        return act(id, () -> admin.resume(pages.account(), AuditLog.Via.console, id), "resumed");
    }

    @POST
    @Path("{id}/plan")
    @Operation(hidden = true)
    public Response plan(@PathParam("id") UUID id, @FormParam("planId") String planId) {
        return act(id, () -> admin.changePlan(pages.account(), AuditLog.Via.console, id, planId), "plan");
    }

    @POST
    @Path("{id}/revoke-credentials")
    @Operation(hidden = true)
    public Response revoke(@PathParam("id") UUID id) {
        return act(id, () -> admin.revokeCredentials(pages.account(), AuditLog.Via.console, id), "credentials");
    }

    private Response act(UUID id, Runnable action, String done) {
        try {
            action.run();
        } catch (ProblemException e) {
            return Response.status(Pages.status(e)).entity(render(id, Pages.flash(e), "day")).build();
        }
        return Pages.seeOther("/admin/accounts/" + id, done);
    }

    private TemplateInstance render(UUID id, Flash flash, String granularity) {
        AdminQueries.AccountDetail detail = queries.account(id);
        if (detail == null) {
            throw ProblemException.notFound("No account " + id);
        }
        Account target = accounts.find(id).orElseThrow(() -> ProblemException.notFound("No account " + id));
        UsageService.Granularity g = "hour".equals(granularity)
                ? UsageService.Granularity.hour
                : UsageService.Granularity.day;
        // The account's own view of its usage, so these charts match what the user and the API see.
        UsageService.Usage u = usage.usage(target, null, g, null, null);
        Usage charts = new Usage(g.name(), Charts.cost("admin-account-cost", u), Charts.usage("admin-account-usage", u),
                u.totalMicro());
        return Templates.account(pages.shell("admin-accounts"), flash, detail, queries.workspaces(null, id, 1), charts,
                billing.ledger(id, 20), audit.list(id.toString(), 1, 20).items(), plans.list(false),
                // A new idempotency key per form: submitting the same form twice credits once.
                UUID.randomUUID().toString());
    }

    /** "5", "-2.50" or "0.000001" units of money into micro-units. */
    static Long micros(String amount) {
        if (amount == null || amount.isBlank()) {
            throw ProblemException.badRequest("amount", "is required, e.g. 5.00 or -2.50");
        }
        try {
            return Money.parse(amount);
        } catch (ArithmeticException | NumberFormatException e) {
            throw ProblemException.badRequest("amount", "must be an amount with at most 6 decimals, e.g. 5.00");
        }
    }
}
