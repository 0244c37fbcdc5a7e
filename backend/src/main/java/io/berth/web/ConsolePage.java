package io.berth.web;

import java.util.List;

import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.berth.access.Account;
import io.berth.access.CredentialService;
import io.berth.billing.BillingQueries;
import io.berth.billing.Notices;
import io.berth.common.ProblemException;
import io.berth.workspace.InvitationService;
import io.berth.workspace.InvitationView;
import io.berth.workspace.Workspace;
import io.berth.workspace.WorkspaceService;
import io.berth.workspace.WorkspaceView;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.Authenticated;

/** The console's home: workspaces with their live status, invitations waiting, balance, credential and notices. */
@Path("/console")
@Authenticated
@Produces(MediaType.TEXT_HTML)
public class ConsolePage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance console(Shell shell, Flash flash, List<WorkspaceView> workspaces,
                boolean polling, List<InvitationView> invitations, BillingState billing,
                CredentialService.CredentialStatus credential, List<Notices.Notice> notices, String newName);

        static native TemplateInstance console$rows(List<WorkspaceView> workspaces, boolean polling);
    }

    private final Pages pages;
    private final WorkspaceService workspaces;
    private final InvitationService invitations;
    private final BillingQueries billing;
    private final Notices notices;
    private final CredentialService credentials;

    ConsolePage(Pages pages, WorkspaceService workspaces, InvitationService invitations, BillingQueries billing,
            Notices notices, CredentialService credentials) {
        this.pages = pages;
        this.workspaces = workspaces;
        this.invitations = invitations;
        this.billing = billing;
        this.notices = notices;
        this.credentials = credentials;
    }

    @GET
    @Operation(hidden = true)
    public TemplateInstance get(@QueryParam("done") String done) {
        return render(Flash.done(done), "");
    }

    /** The workspace list alone, polled by the page while a workspace is still being set up. */
    @GET
    @Path("workspace-rows")
    @Operation(hidden = true)
    public TemplateInstance rows() {
        List<WorkspaceView> mine = workspaces.list(pages.account());
        return Templates.console$rows(mine, settling(mine));
    }

    @POST
    @Path("workspaces")
    @Operation(hidden = true)
    public Response create(@FormParam("displayName") String displayName) {
        Account me = pages.account();
        try {
            WorkspaceView created = workspaces.create(me, displayName);
            return Pages.seeOther("/console/workspaces/" + created.id(), "created");
        } catch (ProblemException e) {
            return Response.status(Pages.status(e)).entity(render(Pages.flash(e), displayName)).build();
        }
    }

    private TemplateInstance render(Flash flash, String newName) {
        Account me = pages.account();
        List<WorkspaceView> mine = workspaces.list(me);
        return Templates.console(pages.shell("console"), flash, mine, settling(mine), invitations.mine(me),
                BillingState.of(billing.standing(me.id)), credentials.status(me), notices.latest(me.id, 5),
                newName == null ? "" : newName);
    }

    /** Whether some workspace is still changing, so the page keeps polling. */
    static boolean settling(List<WorkspaceView> list) {
        return list.stream().anyMatch(w -> w.status() != Workspace.Status.ready);
    }
}
