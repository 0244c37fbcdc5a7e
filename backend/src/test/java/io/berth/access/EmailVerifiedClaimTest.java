package io.berth.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;

import jakarta.json.Json;
import jakarta.json.JsonValue;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

/** Only a JSON {@code true} in {@code email_verified} makes an address verified. */
class EmailVerifiedClaimTest {

    private static JsonWebToken token(Map<String, Object> claims) {
        return new JsonWebToken() {
            @Override
            public String getName() {
                return "t";
            }

            @Override
            public Set<String> getClaimNames() {
                return claims.keySet();
            }

            @SuppressWarnings("unchecked")
            @Override
            public <T> T getClaim(String name) {
                return (T) claims.get(name);
            }
        };
    }

    @Test
    void trueAsJsonOrBooleanIsVerified() {
        assertThat(AccountService.emailVerified(token(Map.of("email_verified", JsonValue.TRUE)))).isTrue();
        assertThat(AccountService.emailVerified(token(Map.of("email_verified", Boolean.TRUE)))).isTrue();
    }

    @Test
    void anythingElseIsNot() {
        assertThat(AccountService.emailVerified(token(Map.of()))).isFalse();
        assertThat(AccountService.emailVerified(token(Map.of("email_verified", JsonValue.FALSE)))).isFalse();
        assertThat(AccountService.emailVerified(token(Map.of("email_verified", Boolean.FALSE)))).isFalse();
        // A string is not the boolean the claim is defined as.
        assertThat(AccountService.emailVerified(token(Map.of("email_verified", "true")))).isFalse();
        assertThat(AccountService.emailVerified(token(Map.of("email_verified", Json.createValue("true")))))
                .isFalse();
    }
}
