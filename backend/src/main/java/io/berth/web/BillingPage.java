package io.berth.web;

import java.util.List;
import java.util.UUID;

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
import io.berth.billing.BillingConfig;
import io.berth.billing.BillingQueries;
import io.berth.billing.BillingResource;
import io.berth.billing.BillingService;
import io.berth.billing.Notices;
import io.berth.billing.StatementService;
import io.berth.billing.UsageService;
import io.berth.common.ProblemException;
import io.berth.workspace.WorkspaceService;
import io.berth.workspace.WorkspaceView;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.Authenticated;

/** Money: balance and its state, cost charts of everything billed to the account, vouchers, ledger, statements. */
@Path("/console/billing")
@Authenticated
@Produces(MediaType.TEXT_HTML)
public class BillingPage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance billing(Shell shell, Flash flash, BillingState billing,
                long lowBalanceMicro, Usage usage, List<WorkspaceCost> perWorkspace,
                List<BillingQueries.LedgerEntry> ledger, List<StatementService.Statement> statements,
                List<Notices.Notice> notices);

        static native TemplateInstance billing$usage(Usage usage);
    }

    public record Usage(String granularity, Charts.Spec cost, long totalMicro) {
        public boolean daily() {
            return granularity.equals("day");
        }
    }

    public record WorkspaceCost(String name, String namespace, long amountMicro) {
    }

    private final Pages pages;
    private final BillingQueries queries;
    private final Notices notices;
    private final UsageService usage;
    private final BillingService billing;
    private final WorkspaceService workspaces;
    private final BillingConfig config;

    BillingPage(Pages pages, BillingQueries queries, Notices notices, UsageService usage, BillingService billing,
            WorkspaceService workspaces, BillingConfig config) {
        this.pages = pages;
        this.queries = queries;
        this.notices = notices;
        this.usage = usage;
        this.billing = billing;
        this.workspaces = workspaces;
        this.config = config;
    }

    @GET
    @Operation(hidden = true)
    public TemplateInstance get(@QueryParam("granularity") @DefaultValue("day") String granularity) {
        return render(null, granularity);
    }

    @GET
    @Path("usage")
    @Operation(hidden = true)
    public TemplateInstance usage(@QueryParam("granularity") @DefaultValue("day") String granularity) {
        return Templates.billing$usage(usage(pages.account(), granularity));
    }

    @POST
    @Path("vouchers")
    @Operation(hidden = true)
    public Response redeem(@FormParam("code") String code) {
        Account me = pages.account();
        try {
            BillingService.Redeemed r = billing.redeem(me, code);
            return Response.ok(render(Flash.info("Voucher redeemed: " + Formats.money(r.amountMicro()) + " "
                    + Formats.currency() + " added to your balance."), "day")).build();
        } catch (ProblemException e) {
            return Response.status(Pages.status(e)).entity(render(Pages.flash(e), "day")).build();
        }
    }

    @GET
    @Path("statements/{id}/csv")
    @Produces("text/csv")
    @Operation(hidden = true)
    public Response csv(@PathParam("id") UUID id) {
        return BillingResource.csv(queries.statement(pages.account().id, id));
    }

    private TemplateInstance render(Flash flash, String granularity) {
        Account me = pages.account();
        Usage u = usage(me, granularity);
        return Templates.billing(pages.shell("billing"), flash, BillingState.of(queries.standing(me.id)),
                config.lowBalanceMicro(), u, perWorkspace(me), queries.ledger(me.id, 50), queries.statements(me.id),
                notices.latest(me.id, 10));
    }

    private Usage usage(Account me, String granularity) {
        UsageService.Granularity g = "hour".equals(granularity)
                ? UsageService.Granularity.hour
                : UsageService.Granularity.day;
        UsageService.Usage u = usage.usage(me, null, g, null, null);
        return new Usage(g.name(), Charts.cost("cost-account", u), u.totalMicro());
    }

    /** The last 30 days' cost per workspace billed to the account. */
    private List<WorkspaceCost> perWorkspace(Account me) {
        UsageService.Usage u = usage.usage(me, null, UsageService.Granularity.day, null, null);
        java.util.Map<UUID, Long> sums = new java.util.LinkedHashMap<>();
        for (UsageService.Point p : u.points()) {
            sums.merge(p.workspaceId(), p.amountMicro(), Long::sum);
        }
        java.util.Map<UUID, WorkspaceView> mine = new java.util.HashMap<>();
        workspaces.list(me).forEach(w -> mine.put(w.id(), w));
        return sums.entrySet().stream().map(e -> {
            WorkspaceView w = mine.get(e.getKey());
            return new WorkspaceCost(w == null ? "(deleted or transferred workspace)" : w.displayName(),
                    w == null ? "" : w.namespace(), e.getValue());
        }).toList();
    }
}
