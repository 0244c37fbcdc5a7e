package io.berth.web;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.berth.admin.AdminQueries;
import io.berth.admin.AuditLog;
import io.berth.billing.Money;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/** The admin area's front page: the platform at a glance. */
@Path("/admin")
@RolesAllowed(Pages.ADMIN_ROLE)
@Produces(MediaType.TEXT_HTML)
public class AdminPage {

    static final int DAYS = 30;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance dashboard(Shell shell, AdminQueries.Totals totals, Charts.Spec revenue,
                Charts.Spec clusterCost, Charts.Spec clusterUsage, List<AdminQueries.Consumer> consumers,
                List<AdminQueries.DebtRow> debtors, List<AuditLog.Entry> audit);
    }

    private final Pages pages;
    private final AdminQueries queries;
    private final AuditLog audit;
    private final Clock clock;

    AdminPage(Pages pages, AdminQueries queries, AuditLog audit, Clock clock) {
        this.pages = pages;
        this.queries = queries;
        this.audit = audit;
        this.clock = clock;
    }

    @GET
    @Operation(hidden = true)
    public TemplateInstance get() {
        List<String> days = Charts.lastDays(DAYS, LocalDate.now(clock));
        Map<String, Map<String, BigDecimal>> revenue = new HashMap<>();
        Map<String, Map<String, Long>> revenueMicro = new HashMap<>();
        for (AdminQueries.Point p : queries.revenuePerDay(DAYS)) {
            revenue.computeIfAbsent("revenue", k -> new HashMap<>()).put(p.bucket(),
                    Money.units(p.amountMicro()));
            revenueMicro.computeIfAbsent("revenue", k -> new HashMap<>()).put(p.bucket(), p.amountMicro());
        }
        Map<String, Map<String, BigDecimal>> cost = new HashMap<>();
        Map<String, Map<String, BigDecimal>> usage = new HashMap<>();
        Map<String, Map<String, Long>> micro = new HashMap<>();
        for (AdminQueries.Point p : queries.clusterUsagePerDay(DAYS)) {
            cost.computeIfAbsent(p.series(), k -> new HashMap<>()).put(p.bucket(),
                    Money.units(p.amountMicro()));
            micro.computeIfAbsent(p.series(), k -> new HashMap<>()).put(p.bucket(), p.amountMicro());
            usage.computeIfAbsent(p.series() + " (" + p.unit() + ")", k -> new HashMap<>()).put(p.bucket(),
                    p.quantity());
        }
        String currency = Formats.currency();
        return Templates.dashboard(pages.shell("admin"), queries.totals(),
                Charts.of("admin-revenue", "bar", "Revenue per day", currency, false, days, revenue, revenueMicro),
                Charts.of("admin-cluster-cost", "bar", "Cost per resource per day", currency, true, days, cost, micro),
                Charts.of("admin-cluster-usage", "line", "Usage per resource per day", "", false, days, usage,
                        Map.of()),
                queries.topConsumers(DAYS, 10), queries.debtors(20), audit.list(null, 1, 10).items());
    }
}
