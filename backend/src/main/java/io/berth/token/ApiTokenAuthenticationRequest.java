package io.berth.token;

import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** A bearer token that looks like a Berth API token ({@code berth_pat_...}). */
public class ApiTokenAuthenticationRequest extends BaseAuthenticationRequest {

    private final String token;

    public ApiTokenAuthenticationRequest(String token) {
        this.token = token;
    }

    public String token() {
        return token;
    }

    @Override
    public String toString() {
        // Never the token itself: requests can end up in logs.
        return "ApiTokenAuthenticationRequest";
    }
}
