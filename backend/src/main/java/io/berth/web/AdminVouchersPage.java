package io.berth.web;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.berth.admin.AdminQueries;
import io.berth.admin.AdminService;
import io.berth.admin.AuditLog;
import io.berth.billing.BillingService;
import io.berth.common.ProblemException;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/** Voucher batches: issue codes (shown once) and see how many were redeemed. */
@Path("/admin/vouchers")
@RolesAllowed(Pages.ADMIN_ROLE)
@Produces(MediaType.TEXT_HTML)
public class AdminVouchersPage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance vouchers(Shell shell, Flash flash, List<AdminQueries.VoucherBatchRow> batches,
                BillingService.VoucherBatch created, String codes);
    }

    private final Pages pages;
    private final AdminQueries queries;
    private final AdminService admin;

    AdminVouchersPage(Pages pages, AdminQueries queries, AdminService admin) {
        this.pages = pages;
        this.queries = queries;
        this.admin = admin;
    }

    @GET
    @Operation(hidden = true)
    public TemplateInstance list() {
        return render(null, null);
    }

    @POST
    @Operation(hidden = true)
    public Response create(@FormParam("name") String name, @FormParam("amount") String amount,
            @FormParam("count") Integer count, @FormParam("expires") String expires,
            @FormParam("perAccountLimit") Integer perAccountLimit) {
        try {
            BillingService.VoucherBatch batch = admin.createVouchers(pages.account(), AuditLog.Via.console, name,
                    AdminAccountsPage.micros(amount), count == null ? 0 : count, date(expires),
                    perAccountLimit == null ? 1 : perAccountLimit);
            return Response.status(201).entity(render(null, batch)).build();
        } catch (ProblemException e) {
            return Response.status(Pages.status(e)).entity(render(Pages.flash(e), null)).build();
        }
    }

    private TemplateInstance render(Flash flash, BillingService.VoucherBatch created) {
        return Templates.vouchers(pages.shell("admin-vouchers"), flash, queries.voucherBatches(50), created,
                created == null ? "" : String.join("\n", created.codes()));
    }

    /** The end of the given day (UTC): a voucher "valid until 2027-01-31" works all of that day. */
    private static OffsetDateTime date(String value) {
        try {
            return LocalDate.parse(value == null ? "" : value.strip()).plusDays(1).atStartOfDay()
                    .atOffset(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw ProblemException.badRequest("expires", "must be a date, e.g. 2027-01-31");
        }
    }
}
