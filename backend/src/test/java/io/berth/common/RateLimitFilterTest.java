package io.berth.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RateLimitFilterTest {

    @Test
    void theEndpointsNearSignUpSpendTheirLimit() {
        assertThat(RateLimitFilter.limitFor("POST", "/api/v1/invitations/accept"))
                .contains(RateLimiter.Limit.INVITATION_ANSWER);
        assertThat(RateLimitFilter.limitFor("POST", "/api/v1/billing/vouchers/redeem/"))
                .contains(RateLimiter.Limit.VOUCHER_REDEEM);
        assertThat(RateLimitFilter.limitFor("POST", "/api/v1/workspaces")).contains(RateLimiter.Limit.WORKSPACE_CREATE);
        assertThat(RateLimitFilter.limitFor("POST", "/api/v1/workspaces/abc/invitations"))
                .contains(RateLimiter.Limit.INVITATION_CREATE);
        assertThat(RateLimitFilter.limitFor("GET", "/api/v1/me/kubeconfig"))
                .contains(RateLimiter.Limit.CREDENTIAL_ISSUE);
        assertThat(RateLimitFilter.limitFor("POST", "/api/v1/me/credentials/rotate"))
                .contains(RateLimiter.Limit.CREDENTIAL_ISSUE);
    }

    @Test
    void everythingElseIsUnlimitedHere() {
        assertThat(RateLimitFilter.limitFor("GET", "/api/v1/workspaces")).isEmpty();
        assertThat(RateLimitFilter.limitFor("DELETE", "/api/v1/workspaces/abc")).isEmpty();
        assertThat(RateLimitFilter.limitFor("POST", "/api/v1/workspaces/abc/members")).isEmpty();
    }
}
