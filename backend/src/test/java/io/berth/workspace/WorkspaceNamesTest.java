package io.berth.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;

import org.junit.jupiter.api.Test;

import io.berth.common.PrintableText;
import io.berth.common.ProblemException;

class WorkspaceNamesTest {

    @Test
    void aDisplayNameIsTrimmed() {
        assertThat(WorkspaceNames.displayName("  Shop backend ", "displayName")).isEqualTo("Shop backend");
        assertThat(WorkspaceNames.displayName("Ünïcødé ✓", "displayName")).isEqualTo("Ünïcødé ✓");
    }

    @Test
    void blankTooLongOrControlCharactersAreRefusedNamingTheField() {
        assertThatThrownBy(() -> WorkspaceNames.displayName(" ", "name")).isInstanceOfSatisfying(
                ProblemException.class, e -> assertThat(e.problem().errors().get(0).field()).isEqualTo("name"));
        assertThatThrownBy(() -> WorkspaceNames.displayName(null, "displayName"))
                .hasMessage("must not be blank");
        assertThatThrownBy(() -> WorkspaceNames.displayName("a".repeat(64), "displayName"))
                .hasMessage("must be at most 63 characters");
        assertThatThrownBy(() -> WorkspaceNames.displayName("tab\there", "displayName"))
                .hasMessage(PrintableText.NON_PRINTING);
        // The separators YAML and JavaScript read as line breaks, also at either end (never trimmed away).
        for (String hostile : new String[]{"a\u2028b", "a\u2029b", "a\u0085b", "trailing\u2028", "\u2029"}) {
            assertThatThrownBy(() -> WorkspaceNames.displayName(hostile, "displayName"))
                    .hasMessage(PrintableText.NON_PRINTING);
        }
    }

    @Test
    void theLimitCountsCharactersNotUtf16Units() {
        String emoji = "😀".repeat(63);
        assertThat(WorkspaceNames.displayName(emoji, "displayName")).isEqualTo(emoji);
    }

    @Test
    void namesBerthMakesAreCutToTheLimit() {
        assertThat(WorkspaceNames.truncate("x".repeat(80) + "'s workspace")).hasSize(63);
        assertThat(WorkspaceNames.truncate("ana's workspace")).isEqualTo("ana's workspace");
        // From a username Keycloak let through: what does not print is dropped; cut between characters.
        assertThat(WorkspaceNames.truncate("ana\u2028\u202e's workspace")).isEqualTo("ana's workspace");
        assertThat(WorkspaceNames.truncate("😀".repeat(70))).isEqualTo("😀".repeat(63));
    }

    @Test
    void namespacesAreDnsLabelsOfTenRandomCharacters() {
        Random random = new Random(42);
        for (int i = 0; i < 100; i++) {
            assertThat(WorkspaceNames.newNamespace(random)).matches("ws-[a-z0-9]{10}");
        }
        assertThat(WorkspaceNames.newNamespace(new Random(1))).isNotEqualTo(WorkspaceNames.newNamespace(new Random(2)));
    }

    @Test
    void inviteesAreMatchedIgnoringCaseAndSpace() {
        assertThat(InvitationService.normalizeInvitee(" Ben@Example.com ")).isEqualTo("ben@example.com");
        assertThatThrownBy(() -> InvitationService.normalizeInvitee("two words")).isInstanceOf(ProblemException.class);
        assertThatThrownBy(() -> InvitationService.normalizeInvitee("")).isInstanceOf(ProblemException.class);
        assertThatThrownBy(() -> InvitationService.normalizeInvitee("x".repeat(255)))
                .isInstanceOf(ProblemException.class);
    }

    @Test
    void rolesAreOrderedFromOwnerToViewerAndMapToTheirClusterRoles() {
        assertThat(WorkspaceRole.owner.atLeast(WorkspaceRole.admin)).isTrue();
        assertThat(WorkspaceRole.admin.atLeast(WorkspaceRole.admin)).isTrue();
        assertThat(WorkspaceRole.developer.atLeast(WorkspaceRole.admin)).isFalse();
        assertThat(WorkspaceRole.viewer.atLeast(WorkspaceRole.viewer)).isTrue();
        assertThat(WorkspaceRole.viewer.clusterRole()).isEqualTo("berth:workspace-viewer");
    }
}
