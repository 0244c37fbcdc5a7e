package io.berth.web;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;

import io.berth.access.Account;
import io.berth.access.AccountService;
import io.quarkus.oidc.IdToken;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import io.quarkus.security.Authenticated;

/** The signed-in user's console; reached through the authorization-code flow. */
@Path("/console")
@Authenticated
public class ConsolePage {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance console(String username);
    }

    @Inject
    AccountService accounts;

    @Inject
    @IdToken
    JsonWebToken idToken;

    @GET
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public TemplateInstance get() {
        Account account = accounts.ensure(idToken);
        return Templates.console(account.username);
    }
}
