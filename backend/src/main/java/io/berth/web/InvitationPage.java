package io.berth.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.OffsetDateTime;
import java.util.Locale;

import jakarta.transaction.Transactional;
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
import io.berth.common.RateLimiter;
import io.berth.workspace.Invitation;
import io.berth.workspace.InvitationService;
import io.berth.workspace.Workspace;
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
        static native TemplateInstance invitation(Shell shell, Flash flash, String token, Details details);
    }

    /** What the invited person sees before answering. */
    public record Details(String workspaceName, String role, String invitedBy, OffsetDateTime expiresAt,
            String status, boolean answerable) {
    }

    private final Pages pages;
    private final InvitationService invitations;
    private final RateLimiter limiter;

    InvitationPage(Pages pages, InvitationService invitations, RateLimiter limiter) {
        this.pages = pages;
        this.invitations = invitations;
        this.limiter = limiter;
    }

    @GET
    @Operation(hidden = true)
    public TemplateInstance get(@PathParam("token") String token) {
        return Templates.invitation(pages.shell("console"), null, token, details(pages.account(), token));
    }

    @POST
    @Operation(hidden = true)
    public Response answer(@PathParam("token") String token, @FormParam("answer") String answer) {
        Account me = pages.account();
        limiter.check(RateLimiter.Limit.INVITATION_ANSWER, "account:" + me.id);
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
                    .entity(Templates.invitation(pages.shell("console"), Pages.flash(e), token, details(me, token)))
                    .build();
        }
    }

    /** The invitation, if this token names one for this person; null otherwise (and for anyone else). */
    @Transactional
    Details details(Account me, String token) {
        if (token == null || token.length() > 100) {
            return null;
        }
        Invitation i = Invitation.find("tokenSha256", sha256(token.strip())).firstResult();
        if (i == null || !(i.invitee.equals(lower(me.username)) || i.invitee.equals(lower(me.email)))) {
            return null;
        }
        Workspace ws = Workspace.findById(i.workspaceId);
        Account inviter = Account.findById(i.invitedBy);
        boolean open = i.status == Invitation.Status.pending && i.expiresAt.isAfter(OffsetDateTime.now())
                && ws != null && ws.isLive();
        return new Details(ws == null ? "" : ws.displayName, i.role.name(), inviter == null ? "" : inviter.username,
                i.expiresAt, i.status.name(), open);
    }

    private static String lower(String s) {
        return s == null ? null : s.toLowerCase(Locale.ROOT);
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
