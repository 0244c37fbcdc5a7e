package io.berth.web;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.berth.admin.AuditLog;
import io.berth.common.Paged;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/** The audit log of admin actions, newest first. */
@Path("/admin/audit")
@RolesAllowed(Pages.ADMIN_ROLE)
@Produces(MediaType.TEXT_HTML)
public class AdminAuditPage {

    static final int PAGE_SIZE = 50;

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance audit(Shell shell, String target, Paged<AuditLog.Entry> log);
    }

    private final Pages pages;
    private final AuditLog audit;

    AdminAuditPage(Pages pages, AuditLog audit) {
        this.pages = pages;
        this.audit = audit;
    }

    @GET
    @Operation(hidden = true)
    public TemplateInstance list(@QueryParam("target") String target, @QueryParam("page") @DefaultValue("1") int page) {
        return Templates.audit(pages.shell("admin-audit"), target == null ? "" : target,
                audit.list(target, page, PAGE_SIZE));
    }
}
