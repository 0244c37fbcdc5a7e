package io.berth.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.berth.access.Account;

/** Who an invitation names: a username, or an e-mail address only once the identity provider verified it. */
class InvitationMatchingTest {

    private static Account account(String username, String email, boolean verified) {
        Account a = new Account();
        a.username = username;
        a.email = email;
        a.emailVerified = verified;
        return a;
    }

    private static Invitation to(String invitee) {
        Invitation i = new Invitation();
        i.invitee = InvitationService.normalizeInvitee(invitee);
        return i;
    }

    @Test
    void anUnverifiedAddressNamesNobody() {
        Account typedIn = account("mallory", "Victim@Example.test", false);
        assertThat(InvitationService.isFor(to("victim@example.test"), typedIn)).isFalse();
        assertThat(InvitationService.emailKey(typedIn)).isNull();
    }

    @Test
    void aVerifiedAddressNamesItsOwnerIgnoringCase() {
        assertThat(InvitationService.isFor(to("Victim@Example.test"), account("vic", "victim@example.TEST", true)))
                .isTrue();
    }

    @Test
    void aUsernameThatLooksLikeAnAddressIsNoAddress() {
        Account poser = account("victim@example.test", "mallory@example.test", true);
        assertThat(InvitationService.isFor(to("victim@example.test"), poser)).isFalse();
        assertThat(InvitationService.nameKey(poser)).isNull();
    }

    @Test
    void aUsernameStillNamesItsAccount() {
        assertThat(InvitationService.isFor(to("Bob"), account("bob", null, false))).isTrue();
        assertThat(InvitationService.isFor(to("bob"), account("bobby", "bob@example.test", true))).isFalse();
    }
}
