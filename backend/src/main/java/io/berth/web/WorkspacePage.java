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
import io.berth.billing.UsageService;
import io.berth.common.ProblemException;
import io.berth.route.RouteService;
import io.berth.route.RouteView;
import io.berth.workspace.DomainService;
import io.berth.workspace.DomainView;
import io.berth.workspace.InvitationService;
import io.berth.workspace.InvitationView;
import io.berth.workspace.MemberView;
import io.berth.workspace.MembershipService;
import io.berth.workspace.WorkspaceRole;
import io.berth.workspace.WorkspaceService;
import io.berth.workspace.WorkspaceView;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.Authenticated;

/**
 * One workspace: live status, quota usage, usage and cost charts, members and invitations, rename and delete. What
 * each person may do is decided by the services (the page only hides controls their role cannot use).
 */
@Path("/console/workspaces/{id}")
@Authenticated
@Produces(MediaType.TEXT_HTML)
public class WorkspacePage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance workspace(Shell shell, Flash flash, WorkspaceView ws, Can can,
                List<QuotaUsage.Bar> quota, Usage usage, List<MemberView> members, List<InvitationView> pending,
                InvitationView created, UUID me, Routes routes, List<DomainView> domains);

        static native TemplateInstance workspace$status(WorkspaceView ws);

        static native TemplateInstance workspace$usage(WorkspaceView ws, Usage usage);

        static native TemplateInstance delete(Shell shell, Flash flash, WorkspaceView ws);
    }

    /** What the caller's role allows, so the page shows only controls that will work. */
    public record Can(boolean manage, boolean own) {
        static Can of(WorkspaceRole role) {
            return new Can(role.atLeast(WorkspaceRole.admin), role == WorkspaceRole.owner);
        }
    }

    /** The charts of a workspace at one granularity. */
    public record Usage(String granularity, Charts.Spec cost, Charts.Spec usage, long totalMicro) {
        public boolean daily() {
            return granularity.equals("day");
        }
    }

    /** The workspace's routes, or unavailable when the cluster did not answer (the page says so). */
    public record Routes(List<RouteView> list, boolean available, String suffix) {
    }

    private final Pages pages;
    private final WorkspaceService workspaces;
    private final MembershipService members;
    private final InvitationService invitations;
    private final DomainService domains;
    private final UsageService usage;
    private final QuotaUsage quota;
    private final RouteService routes;

    WorkspacePage(Pages pages, WorkspaceService workspaces, MembershipService members, InvitationService invitations,
            UsageService usage, QuotaUsage quota, RouteService routes, DomainService domains) {
        this.domains = domains;
        this.pages = pages;
        this.workspaces = workspaces;
        this.members = members;
        this.invitations = invitations;
        this.usage = usage;
        this.quota = quota;
        this.routes = routes;
    }

    @GET
    @Operation(hidden = true)
    public TemplateInstance get(@PathParam("id") UUID id, @QueryParam("done") String done,
            @QueryParam("granularity") @DefaultValue("hour") String granularity) {
        return render(id, Flash.done(done), granularity, null);
    }

    @GET
    @Path("status")
    @Operation(hidden = true)
    public TemplateInstance status(@PathParam("id") UUID id) {
        return Templates.workspace$status(workspaces.get(pages.account(), id));
    }

    @GET
    @Path("usage")
    @Operation(hidden = true)
    public TemplateInstance usage(@PathParam("id") UUID id,
            @QueryParam("granularity") @DefaultValue("hour") String granularity) {
        WorkspaceView ws = workspaces.get(pages.account(), id);
        return Templates.workspace$usage(ws, usage(ws, granularity));
    }

    @POST
    @Path("rename")
    @Operation(hidden = true)
    public Response rename(@PathParam("id") UUID id, @FormParam("displayName") String displayName) {
        return act(id, () -> workspaces.rename(pages.account(), id, displayName), "renamed");
    }

    @GET
    @Path("delete")
    @Operation(hidden = true)
    public TemplateInstance confirmDelete(@PathParam("id") UUID id) {
        return Templates.delete(pages.shell("console"), null, workspaces.get(pages.account(), id));
    }

    /** Deleting needs the namespace typed in: a slip of the mouse must not delete everything in it. */
    @POST
    @Path("delete")
    @Operation(hidden = true)
    public Response delete(@PathParam("id") UUID id, @FormParam("confirm") String confirm) {
        Account me = pages.account();
        WorkspaceView ws = workspaces.get(me, id);
        if (confirm == null || !confirm.strip().equals(ws.namespace())) {
            return Response.status(400).entity(Templates.delete(pages.shell("console"),
                    Flash.error("Type the namespace exactly, " + ws.namespace() + ", to confirm.", "confirm"), ws))
                    .build();
        }
        try {
            workspaces.delete(me, id);
        } catch (ProblemException e) {
            return Response.status(Pages.status(e))
                    .entity(Templates.delete(pages.shell("console"), Pages.flash(e), ws)).build();
        }
        return Pages.seeOther("/console", "deleted");
    }

    @POST
    @Path("invitations")
    @Operation(hidden = true)
    public Response invite(@PathParam("id") UUID id, @FormParam("invitee") String invitee,
            @FormParam("role") String role) {
        Account me = pages.account();
        try {
            InvitationView created = invitations.invite(me, id, invitee, role(role));
            // The link is shown once, here; Berth keeps only its hash.
            return Response.status(201).entity(render(id, null, "hour", created)).build();
        } catch (ProblemException e) {
            return Response.status(Pages.status(e)).entity(render(id, Pages.flash(e), "hour", null)).build();
        }
    }

    @POST
    @Path("invitations/{invitationId}/revoke")
    @Operation(hidden = true)
    public Response revokeInvitation(@PathParam("id") UUID id, @PathParam("invitationId") UUID invitationId) {
        return act(id, () -> invitations.revoke(pages.account(), id, invitationId), "revoked");
    }

    @POST
    @Path("members/{accountId}/role")
    @Operation(hidden = true)
    public Response changeRole(@PathParam("id") UUID id, @PathParam("accountId") UUID accountId,
            @FormParam("role") String role) {
        return act(id, () -> members.changeRole(pages.account(), id, accountId, role(role)), "role");
    }

    @POST
    @Path("members/{accountId}/remove")
    @Operation(hidden = true)
    public Response remove(@PathParam("id") UUID id, @PathParam("accountId") UUID accountId) {
        Account me = pages.account();
        boolean leaving = me.id.equals(accountId);
        try {
            members.remove(me, id, accountId);
        } catch (ProblemException e) {
            return Response.status(Pages.status(e)).entity(render(id, Pages.flash(e), "hour", null)).build();
        }
        return leaving ? Pages.seeOther("/console", "left") : Pages.seeOther("/console/workspaces/" + id, "removed");
    }

    @POST
    @Path("domains")
    @Operation(hidden = true)
    public Response addDomain(@PathParam("id") UUID id, @FormParam("domain") String domain,
            @FormParam("tlsSecretName") String tlsSecretName) {
        return act(id, () -> domains.add(pages.account(), id, domain, tlsSecretName), "domain-added");
    }

    @POST
    @Path("domains/{domain}/verify")
    @Operation(hidden = true)
    public Response verifyDomain(@PathParam("id") UUID id, @PathParam("domain") String domain) {
        return act(id, () -> domains.verify(pages.account(), id, domain), "domain-verified");
    }

    @POST
    @Path("domains/{domain}/delete")
    @Operation(hidden = true)
    public Response deleteDomain(@PathParam("id") UUID id, @PathParam("domain") String domain) {
        return act(id, () -> domains.delete(pages.account(), id, domain), "domain-deleted");
    }

    @POST
    @Path("transfer")
    @Operation(hidden = true)
    public Response transfer(@PathParam("id") UUID id, @FormParam("accountId") String accountId) {
        return act(id, () -> members.transfer(pages.account(), id, uuid(accountId)), "transferred");
    }

    private Response act(UUID id, Runnable action, String done) {
        try {
            action.run();
        } catch (ProblemException e) {
            return Response.status(Pages.status(e)).entity(render(id, Pages.flash(e), "hour", null)).build();
        }
        return Pages.seeOther("/console/workspaces/" + id, done);
    }

    private TemplateInstance render(UUID id, Flash flash, String granularity, InvitationView created) {
        Account me = pages.account();
        WorkspaceView ws = workspaces.get(me, id);
        Can can = Can.of(ws.role());
        List<InvitationView> pending = can.manage() ? invitations.pendingFor(me, id) : List.of();
        return Templates.workspace(pages.shell("console"), flash, ws, can, quota.of(ws.namespace()),
                usage(ws, granularity), members.list(me, id), pending, created, me.id, routes(ws),
                domains.list(me, id));
    }

    private Routes routes(WorkspaceView ws) {
        String suffix = ws.appsHostSuffix();
        try {
            return new Routes(routes.of(ws), true, suffix);
        } catch (ProblemException e) {
            return new Routes(List.of(), false, suffix);
        }
    }

    private Usage usage(WorkspaceView ws, String granularity) {
        UsageService.Granularity g = "day".equals(granularity)
                ? UsageService.Granularity.day
                : UsageService.Granularity.hour;
        UsageService.Usage u = usage.usage(pages.account(), ws.id(), g, null, null);
        return new Usage(g.name(), Charts.cost("cost-" + ws.id(), u), Charts.usage("usage-" + ws.id(), u),
                u.totalMicro());
    }

    private static WorkspaceRole role(String role) {
        try {
            return role == null ? null : WorkspaceRole.valueOf(role);
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("role", "must be one of admin, developer, viewer");
        }
    }

    private static UUID uuid(String value) {
        try {
            return value == null || value.isBlank() ? null : UUID.fromString(value.strip());
        } catch (IllegalArgumentException e) {
            throw ProblemException.badRequest("accountId", "must name a member");
        }
    }
}
