package io.berth.web;

import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

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

import io.berth.common.ProblemException;
import io.berth.token.ApiTokenService;
import io.berth.token.TokenScope;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.Authenticated;

/** Personal access tokens for the API: make one (shown once), see when each was last used, revoke. */
@Path("/console/tokens")
@Authenticated
@Produces(MediaType.TEXT_HTML)
public class TokensPage {

    static final List<Integer> EXPIRY_DAYS = List.of(7, 30, 90, 365);

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance tokens(Shell shell, Flash flash, List<ApiTokenService.TokenView> tokens,
                ApiTokenService.TokenView created, List<Integer> expiryDays);
    }

    private final Pages pages;
    private final ApiTokenService tokens;
    private final Clock clock;

    TokensPage(Pages pages, ApiTokenService tokens, Clock clock) {
        this.pages = pages;
        this.tokens = tokens;
        this.clock = clock;
    }

    @GET
    @Operation(hidden = true)
    public TemplateInstance get(@QueryParam("done") String done) {
        return render(Flash.done(done), null);
    }

    @POST
    @Operation(hidden = true)
    public Response create(@FormParam("name") String name, @FormParam("scope") List<String> scopes,
            @FormParam("expiresInDays") Integer days) {
        try {
            if (days == null || !EXPIRY_DAYS.contains(days)) {
                throw ProblemException.badRequest("expiresInDays", "must be one of " + EXPIRY_DAYS);
            }
            ApiTokenService.TokenView created = tokens.create(pages.account(), name, TokenScope.parse(scopes),
                    OffsetDateTime.now(clock).plusDays(days));
            return Response.status(201).entity(render(null, created)).build();
        } catch (ProblemException e) {
            return Response.status(Pages.status(e)).entity(render(Pages.flash(e), null)).build();
        }
    }

    @POST
    @Path("{id}/revoke")
    @Operation(hidden = true)
    public Response revoke(@PathParam("id") UUID id) {
        tokens.revoke(pages.account(), id);
        return Pages.seeOther("/console/tokens", "token-revoked");
    }

    private TemplateInstance render(Flash flash, ApiTokenService.TokenView created) {
        return Templates.tokens(pages.shell("tokens"), flash, tokens.list(pages.account()), created, EXPIRY_DAYS);
    }
}
