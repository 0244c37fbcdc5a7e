package io.berth.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.berth.access.CredentialService;

class KubeconfigServiceTest {

    private static final KubeconfigService.Cluster CLUSTER = new KubeconfigService.Cluster("berth",
            "https://api.berth.example:6443", "LS0t");
    private static final CredentialService.IssuedToken TOKEN = new CredentialService.IssuedToken("eyJ.token",
            OffsetDateTime.parse("2026-11-27T10:00:00Z"));

    private static WorkspaceView workspace(String namespace, String name, boolean personal, WorkspaceRole role) {
        return new WorkspaceView(UUID.randomUUID(), name, namespace, "free", personal, Workspace.Status.ready, null,
                false, role, OffsetDateTime.parse("2026-11-01T09:00:00Z"), namespace + ".apps.berth.localhost");
    }

    @Test
    void oneContextPerWorkspaceThePersonalOneCurrent() {
        String yaml = KubeconfigService.render(CLUSTER, "ana", List.of(
                workspace("ws-team000001", "Team", false, WorkspaceRole.developer),
                workspace("ws-mine000001", "ana's workspace", true, WorkspaceRole.owner)), TOKEN);
        assertThat(yaml).contains("current-context: berth-ws-mine000001", "name: berth-ws-team000001",
                "namespace: ws-team000001", "namespace: ws-mine000001", "https://api.berth.example:6443",
                "certificate-authority-data: LS0t", "token: eyJ.token", "name: berth-ana");
    }

    @Test
    void theHeaderSaysUntilWhenAndEachContextsRoleButNoNameAnyoneChose() {
        String yaml = KubeconfigService.render(CLUSTER, "ana", List.of(
                workspace("ws-team000001", "Team lead", false, WorkspaceRole.viewer)), TOKEN);
        assertThat(yaml).startsWith("# Berth kubeconfig, one context per workspace (the console lists them by name).\n"
                + "# The token expires at 2026-11-27T10:00Z (UTC)");
        assertThat(yaml).contains("# context berth-ws-team000001: viewer\n").doesNotContain("Team lead");
    }

    @Test
    void aDisplayNameWithALineSeparatorCannotWriteKeysOfItsOwn() {
        // The attack of issue 12: U+2028 ended the "# context ..." comment, and the rest of the name became YAML.
        String hostile = "x\u2028current-context: evil\u2028users:\u2028- name: evil\u2028  user:\u2028    exec:"
                + "\u2028      command: sh";
        String yaml = KubeconfigService.render(CLUSTER, "ana", List.of(
                workspace("ws-mine000001", hostile, true, WorkspaceRole.owner)), TOKEN);
        assertThat(yaml).doesNotContain("evil", "exec", "\u2028", "\u2029", "\u0085")
                .contains("current-context: berth-ws-mine000001");
    }

    @Test
    void aUsernameIsWrittenByTheSerializerWithoutWhatDoesNotPrint() {
        String yaml = KubeconfigService.render(CLUSTER, "ana\u2028current-context: evil", List.of(
                workspace("ws-mine000001", "Mine", true, WorkspaceRole.owner)), TOKEN);
        assertThat(yaml).doesNotContain("\u2028").contains("current-context: berth-ws-mine000001")
                .contains("name: \"berth-anacurrent-context: evil\"");
    }

    @Test
    void withoutAPersonalWorkspaceTheFirstIsCurrentAndWithNoneThereIsNoContext() {
        String yaml = KubeconfigService.render(CLUSTER, "ana", List.of(
                workspace("ws-first00001", "First", false, WorkspaceRole.admin),
                workspace("ws-second0001", "Second", false, WorkspaceRole.admin)), TOKEN);
        assertThat(yaml).contains("current-context: berth-ws-first00001");
        assertThat(KubeconfigService.render(CLUSTER, "ana", List.of(), TOKEN)).doesNotContain("current-context",
                "contexts:");
    }
}
