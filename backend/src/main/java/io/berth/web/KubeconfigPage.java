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
import io.berth.common.ProblemException;
import io.berth.workspace.KubeconfigResource;
import io.berth.workspace.KubeconfigService;
import io.berth.workspace.WorkspaceService;
import io.berth.workspace.WorkspaceView;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.Authenticated;

/**
 * Kubeconfigs: download one, or show it to copy, with the token's lifetime chosen here; see when the current one
 * expires; rotate the credential so every earlier kubeconfig stops working. Issuing is a POST (with the CSRF token),
 * so no link on another site can make the browser fetch a credential.
 */
@Path("/console/kubeconfig")
@Authenticated
@Produces(MediaType.TEXT_HTML)
public class KubeconfigPage {

    /** Lifetimes offered, in days (the API server caps tokens at 30 days). */
    static final List<Integer> TTL_DAYS = List.of(1, 7, 30);

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance kubeconfig(Shell shell, Flash flash, CredentialService.CredentialStatus status,
                List<WorkspaceView> workspaces, List<Integer> ttlDays);

        static native TemplateInstance shown(String yaml, String expiresAt);
    }

    private final Pages pages;
    private final CredentialService credentials;
    private final KubeconfigService kubeconfigs;
    private final WorkspaceService workspaces;

    KubeconfigPage(Pages pages, CredentialService credentials, KubeconfigService kubeconfigs,
            WorkspaceService workspaces) {
        this.pages = pages;
        this.credentials = credentials;
        this.kubeconfigs = kubeconfigs;
        this.workspaces = workspaces;
    }

    /** A new kubeconfig; the service spends the account's credential-issue limit, the same budget as the API's. */
    private KubeconfigService.Kubeconfig issue(Account me, Integer ttlDays) {
        return kubeconfigs.kubeconfig(me, ttl(ttlDays));
    }

    @GET
    @Operation(hidden = true)
    public TemplateInstance get(@QueryParam("done") String done) {
        return render(Flash.done(done));
    }

    @POST
    @Path("download")
    @Operation(hidden = true)
    public Response download(@FormParam("ttlDays") Integer ttlDays) {
        Account me = pages.account();
        return KubeconfigResource.download(me, issue(me, ttlDays));
    }

    /** The kubeconfig in the page, to copy (an htmx fragment). */
    @POST
    @Path("show")
    @Operation(hidden = true)
    public TemplateInstance show(@FormParam("ttlDays") Integer ttlDays) {
        Account me = pages.account();
        KubeconfigService.Kubeconfig k = issue(me, ttlDays);
        return Templates.shown(k.yaml(), Formats.when(k.expiresAt()));
    }

    @POST
    @Path("rotate")
    @Operation(hidden = true)
    public Response rotate(@FormParam("confirm") String confirm) {
        Account me = pages.account();
        if (!"yes".equals(confirm)) {
            return Response.status(400)
                    .entity(render(Flash.error("Tick the box to confirm that every kubeconfig you downloaded before "
                            + "stops working.", "confirm")))
                    .build();
        }
        try {
            credentials.rotate(me);
        } catch (ProblemException e) {
            return Response.status(Pages.status(e)).entity(render(Pages.flash(e))).build();
        }
        return Pages.seeOther("/console/kubeconfig", "rotated");
    }

    private TemplateInstance render(Flash flash) {
        Account me = pages.account();
        return Templates.kubeconfig(pages.shell("kubeconfig"), flash, credentials.status(me), workspaces.list(me),
                TTL_DAYS);
    }

    private static Long ttl(Integer days) {
        if (days == null) {
            return null;
        }
        if (!TTL_DAYS.contains(days)) {
            throw ProblemException.badRequest("ttlDays", "must be one of " + TTL_DAYS);
        }
        return days * 86_400L;
    }
}
