package io.berth.web;

import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.berth.access.Account;
import io.berth.common.ProblemException;
import io.berth.workspace.InvitationService;
import io.berth.workspace.WorkspaceView;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.Authenticated;

/**
 * The invitation link, {@code /console/invitations/{token}}: after login the invited person sees what they are
 * invited to and accepts or declines. Details are shown only to the invited person; anyone else learns nothing.
 */
@Path("/console/invitations/{token}")
@Authenticated
@Produces(MediaType.TEXT_HTML)
public class InvitationPage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance invitation(Shell shell, Flash flash, String token,
                InvitationService.Preview details);
    }

    private final Pages pages;
    private final InvitationService invitations;

    InvitationPage(Pages pages, InvitationService invitations) {
        this.pages = pages;
        this.invitations = invitations;
    }

    @GET
    @Operation(hidden = true)
    public TemplateInstance get(@PathParam("token") String token) {
        return Templates.invitation(pages.shell("console"), null, token, invitations.preview(pages.account(), token));
    }

    @POST
    @Operation(hidden = true)
    public Response answer(@PathParam("token") String token, @FormParam("answer") String answer) {
        Account me = pages.account();
        try {
            if ("accept".equals(answer)) {
                WorkspaceView ws = invitations.accept(me, token);
                return Pages.seeOther("/console/workspaces/" + ws.id(), "joined");
            }
            if ("decline".equals(answer)) {
                invitations.decline(me, token);
                return Pages.seeOther("/console", "declined");
            }
            throw ProblemException.badRequest("answer", "must be accept or decline");
        } catch (ProblemException e) {
            return Response.status(Pages.status(e))
                    .entity(Templates.invitation(pages.shell("console"), Pages.flash(e), token,
                            invitations.preview(me, token)))
                    .build();
        }
    }
}
