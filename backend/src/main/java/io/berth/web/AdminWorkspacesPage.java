package io.berth.web;

import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.berth.admin.AdminQueries;
import io.berth.common.Paged;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;

/** Every workspace on the platform, searchable by name, namespace or owner. */
@Path("/admin/workspaces")
@RolesAllowed(Pages.ADMIN_ROLE)
@Produces(MediaType.TEXT_HTML)
public class AdminWorkspacesPage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance workspaces(Shell shell, String q,
                Paged<AdminQueries.WorkspaceRow> page);
    }

    private final Pages pages;
    private final AdminQueries queries;

    AdminWorkspacesPage(Pages pages, AdminQueries queries) {
        this.pages = pages;
        this.queries = queries;
    }

    @GET
    @Operation(hidden = true)
    public TemplateInstance list(@QueryParam("q") String q, @QueryParam("page") @DefaultValue("1") int page) {
        return Templates.workspaces(pages.shell("admin-workspaces"), q == null ? "" : q,
                queries.workspaces(q, null, page));
    }
}
