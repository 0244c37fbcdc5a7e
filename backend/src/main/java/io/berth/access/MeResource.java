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
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;

@Path("/api/v1/me")
@Tag(name = "Account")
@Authenticated
public class MeResource {

    private final AccountService accounts;
    private final SecurityIdentity identity;
    private final JsonWebToken token;

    MeResource(AccountService accounts, SecurityIdentity identity, JsonWebToken token) {
        this.accounts = accounts;
        this.identity = identity;
        this.token = token;
    }

    public record Me(UUID id, String username, String email, Account.Status status, String plan, String timezone,
            Set<String> roles, OffsetDateTime createdAt) {
    }

    public record MeChange(String timezone) {
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The caller's account", description = "Creates the account on the first authenticated call.")
    public Me me() {
        return view(accounts.ensure(token));
    }

    @PATCH
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Change your settings (time zone of statements and daily views)")
    public Me change(MeChange change) {
        Account account = accounts.ensure(token);
        return view(accounts.setTimezone(account.id, change == null ? null : change.timezone()));
    }

    private Me view(Account account) {
        return new Me(account.id, account.username, account.email, account.status, account.planId, account.timezone,
                new TreeSet<>(identity.getRoles()), account.createdAt);
    }
}
