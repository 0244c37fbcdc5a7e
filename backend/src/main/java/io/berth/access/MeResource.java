package io.berth.access;

import java.time.OffsetDateTime;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import jakarta.ws.rs.GET;
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

    public record Me(UUID id, String username, String email, Account.Status status, Set<String> roles,
            OffsetDateTime createdAt) {
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The caller's account", description = "Creates the account on the first authenticated call.")
    public Me me() {
        Account account = accounts.ensure(token);
        return new Me(account.id, account.username, account.email, account.status,
                new TreeSet<>(identity.getRoles()), account.createdAt);
    }
}
