package io.berth.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.berth.common.ProblemException;

class TokenScopeTest {

    @Test
    void scopesAreNamedIgnoringCaseAndSpace() {
        assertThat(TokenScope.parse(List.of(" Read", "WORKSPACES"))).containsExactlyInAnyOrder(TokenScope.read,
                TokenScope.workspaces);
        assertThat(TokenScope.parse(null)).isEmpty();
        assertThat(TokenScope.parse(List.of("billing", "billing"))).containsExactly(TokenScope.billing);
    }

    @Test
    void anUnknownScopeIsRefusedNamingTheField() {
        assertThatThrownBy(() -> TokenScope.parse(List.of("read", "admin"))).isInstanceOfSatisfying(
                ProblemException.class, e -> assertThat(e.problem().errors().get(0).field()).isEqualTo("scopes"));
    }

    @Test
    void storedScopesReadBackAsASet() {
        assertThat(ApiTokenService.scopes("billing,read")).containsExactlyInAnyOrder(TokenScope.read,
                TokenScope.billing);
        assertThat(ApiTokenService.scopes("")).isEmpty();
    }

    @Test
    void onlyBearerHeadersWithABerthTokenAreApiTokens() {
        assertThat(ApiTokenAuthenticationMechanism.apiToken("Bearer berth_pat_abc")).isEqualTo("berth_pat_abc");
        assertThat(ApiTokenAuthenticationMechanism.apiToken("bearer   berth_pat_abc ")).isEqualTo("berth_pat_abc");
        assertThat(ApiTokenAuthenticationMechanism.apiToken("Bearer eyJhbGciOi")).as("a Keycloak token").isNull();
        assertThat(ApiTokenAuthenticationMechanism.apiToken("Basic YWxhZGRpbg==")).isNull();
        assertThat(ApiTokenAuthenticationMechanism.apiToken(null)).isNull();
        assertThat(ApiTokenAuthenticationMechanism.apiToken("Bearer")).isNull();
    }
}
