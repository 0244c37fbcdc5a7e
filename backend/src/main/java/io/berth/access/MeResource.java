package io.berth.access;

import java.time.OffsetDateTime;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.berth.common.ApiExamples;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;

@Path("/api/v1/me")
@Tag(name = "Account")
@Authenticated
public class MeResource {

    private final AccountService accounts;
    private final CurrentAccount caller;
    private final SecurityIdentity identity;
    private final JsonWebToken token;

    MeResource(AccountService accounts, CurrentAccount caller, SecurityIdentity identity, JsonWebToken token) {
        this.accounts = accounts;
        this.caller = caller;
        this.identity = identity;
        this.token = token;
    }

    /** {@code emailVerified}: whether Keycloak verified {@code email}; only a verified address receives invitations. */
    public record Me(UUID id, String username, String email, boolean emailVerified, Account.Status status, String plan,
            String timezone, Set<String> roles, OffsetDateTime createdAt) {
    }

    public record MeChange(String timezone) {
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The caller's account", description = "Creates the account on the first authenticated call.")
    @APIResponse(responseCode = "200", description = "Your account", content = @Content(mediaType = "application/json", schema = @Schema(implementation = Me.class), examples = @ExampleObject(name = "me", value = ApiExamples.ME)))
    public Me me() {
        return view(account());
    }

    @PATCH
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change your settings (time zone of statements and daily views)")
    @APIResponse(responseCode = "200", description = "Your account after the change", content = @Content(mediaType = "application/json", schema = @Schema(implementation = Me.class), examples = @ExampleObject(name = "me", value = ApiExamples.ME)))
    @APIResponse(responseCode = "400", description = "timezone is not a known IANA time zone")
    public Me change(
            @RequestBody(required = true, content = @Content(mediaType = "application/json", examples = @ExampleObject(name = "timezone", value = ApiExamples.ME_CHANGE))) MeChange change) {
        Account account = account();
        return view(accounts.setTimezone(account.id, change == null ? null : change.timezone()));
    }

    /**
     * An API token names its account (there is no Keycloak token to read); a Keycloak login makes the account on its
     * first call and still sees it while suspended (the console says so).
     */
    private Account account() {
        return caller.viaApiToken() ? caller.get() : accounts.ensure(token);
    }

    private Me view(Account account) {
        return new Me(account.id, account.username, account.email, account.emailVerified, account.status,
                account.planId, account.timezone,
                new TreeSet<>(identity.getRoles()), account.createdAt);
    }
}
