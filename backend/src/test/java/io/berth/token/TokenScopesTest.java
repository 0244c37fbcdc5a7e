package io.berth.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class TokenScopesTest {

    @Test
    void readsNeedReadAndWritesNeedTheirScope() {
        assertThat(TokenScopes.required("GET", "/api/v1/workspaces")).contains(TokenScope.read);
        assertThat(TokenScopes.required("GET", "/api/v1/workspaces/0e5c/members")).contains(TokenScope.read);
        assertThat(TokenScopes.required("GET", "/api/v1/workspaces/0e5c/routes")).contains(TokenScope.read);
        assertThat(TokenScopes.required("POST", "/api/v1/workspaces/0e5c/routes")).isEmpty();
        assertThat(TokenScopes.required("HEAD", "/api/v1/billing/usage")).contains(TokenScope.read);
        assertThat(TokenScopes.required("GET", "/api/v1/billing/statements/1/csv")).contains(TokenScope.read);
        assertThat(TokenScopes.required("POST", "/api/v1/workspaces")).contains(TokenScope.workspaces);
        assertThat(TokenScopes.required("PATCH", "/api/v1/workspaces/0e5c")).contains(TokenScope.workspaces);
        assertThat(TokenScopes.required("DELETE", "/api/v1/workspaces/0e5c")).contains(TokenScope.workspaces);
        assertThat(TokenScopes.required("PUT", "/api/v1/workspaces/0e5c/members/1")).contains(TokenScope.workspaces);
        assertThat(TokenScopes.required("POST", "/api/v1/workspaces/0e5c/invitations")).contains(TokenScope.workspaces);
        assertThat(TokenScopes.required("POST", "/api/v1/workspaces/0e5c/transfer")).contains(TokenScope.workspaces);
        assertThat(TokenScopes.required("POST", "/api/v1/invitations/accept")).contains(TokenScope.workspaces);
        assertThat(TokenScopes.required("POST", "/api/v1/me/credentials/rotate")).contains(TokenScope.workspaces);
        assertThat(TokenScopes.required("POST", "/api/v1/billing/vouchers/redeem")).contains(TokenScope.billing);
        assertThat(TokenScopes.required("PATCH", "/api/v1/me")).contains(TokenScope.billing);
        assertThat(TokenScopes.required("GET", "/api/v1/workspaces/0e5c/domains")).contains(TokenScope.read);
        assertThat(TokenScopes.required("POST", "/api/v1/workspaces/0e5c/domains")).contains(TokenScope.workspaces);
        assertThat(TokenScopes.required("POST", "/api/v1/workspaces/0e5c/domains/shop.example.com/verify"))
                .contains(TokenScope.workspaces);
        assertThat(TokenScopes.required("DELETE", "/api/v1/workspaces/0e5c/domains/shop.example.com"))
                .contains(TokenScope.workspaces);
        assertThat(TokenScopes.required("GET", "/api/v1/workspaces/0e5c/domains/x/y")).isEmpty();
    }

    @Test
    void aKubeconfigIsACredentialNotARead() {
        assertThat(TokenScopes.required("GET", "/api/v1/me/kubeconfig")).contains(TokenScope.workspaces);
    }

    @Test
    void tokenManagementAdminAndUnmappedPathsAreClosed() {
        assertThat(TokenScopes.required("GET", "/api/v1/me/tokens")).isEmpty();
        assertThat(TokenScopes.required("POST", "/api/v1/me/tokens")).isEmpty();
        assertThat(TokenScopes.required("DELETE", "/api/v1/me/tokens/x")).isEmpty();
        assertThat(TokenScopes.required("GET", "/api/v1/admin/accounts")).isEmpty();
        assertThat(TokenScopes.required("POST", "/api/v1/admin/accounts/x/adjustments")).isEmpty();
        assertThat(TokenScopes.required("GET", "/api/v1/something-new")).isEmpty();
        assertThat(TokenScopes.required("POST", "/api/v1/billing/topups/webhook")).isEmpty();
        assertThat(TokenScopes.required("OPTIONS", "/api/v1/workspaces")).isEmpty();
        assertThat(TokenScopes.required("GET", "/q/openapi")).isEmpty();
        assertThat(TokenScopes.required("POST", "/api/v1/billing/balance")).isEqualTo(Optional.empty());
    }

    @Test
    void trailingSlashesAndMissingLeadingSlashDoNotOpenAnything() {
        assertThat(TokenScopes.required("GET", "api/v1/workspaces/")).contains(TokenScope.read);
        assertThat(TokenScopes.required("GET", "/api/v1/admin/")).isEmpty();
        assertThat(TokenScopes.required("GET", "/api/v1/me/tokens/")).isEmpty();
    }
}
