package io.berth.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.berth.Tenant;
import io.berth.common.PrintableText;
import io.berth.testing.Kube;
import io.berth.testing.Kubectl;
import io.berth.testing.RealStackResource;
import io.fabric8.kubernetes.api.model.Namespace;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The workspace API: what users can do, what they get told when input is bad, and what they cannot see. */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class WorkspaceApiIT {

    @Test
    void signUpGivesAPersonalWorkspaceThatBecomesReadyWithItsNamespaceFenced() {
        Tenant nina = Tenant.signUp("nina");
        nina.api().get("/api/v1/workspaces").then().statusCode(200).body("$", hasSize(1))
                .body("[0].personal", equalTo(true)).body("[0].role", equalTo("owner"))
                .body("[0].namespace", matchesPattern("ws-[a-z0-9]{10}"));
        String id = nina.personalWorkspaceId();
        String ns = nina.awaitReady(id).getString("namespace");

        Namespace namespace = Kube.admin().namespaces().withName(ns).get();
        assertThat(namespace.getMetadata().getLabels())
                .containsEntry("pod-security.kubernetes.io/enforce", "restricted")
                .containsEntry("pod-security.kubernetes.io/enforce-version", "v1.36")
                .containsEntry("berth.io/workspace", "true").containsEntry("app.kubernetes.io/managed-by", "berth");
        var quota = Kube.admin().resourceQuotas().inNamespace(ns).withName("berth-quota").get().getSpec().getHard();
        assertThat(quota).containsKeys("requests.cpu", "limits.cpu", "requests.memory", "limits.memory",
                "requests.ephemeral-storage", "requests.storage", "pods", "services", "secrets", "configmaps",
                "persistentvolumeclaims", "replicationcontrollers", "resourcequotas");
        assertThat(quota.get("services.nodeports").toString()).isEqualTo("0");
        assertThat(quota.get("services.loadbalancers").toString()).isEqualTo("0");
        assertThat(quota.get("limits.memory").toString()).isEqualTo("8Gi");
        var limits = Kube.admin().limitRanges().inNamespace(ns).withName("berth-limits").get().getSpec().getLimits()
                .get(0);
        assertThat(limits.getMin()).isNullOrEmpty();
        assertThat(limits.getDefaultRequest()).containsKeys("cpu", "memory");
        assertThat(Kube.admin().network().networkPolicies().inNamespace(ns).list().getItems())
                .extracting(p -> p.getMetadata().getName())
                .containsExactlyInAnyOrder("berth-default-deny", "berth-allow-same-namespace", "berth-allow-dns");
    }

    @Test
    void badInputIsAProblemNamingTheField() {
        Tenant olga = Tenant.signUp("olga");
        olga.api().body(Map.of("displayName", "   ")).post("/api/v1/workspaces").then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("displayName"))
                .body("errors[0].message", equalTo("must not be blank"));
        olga.api().body(Map.of("displayName", "x".repeat(64))).post("/api/v1/workspaces").then().statusCode(400)
                .body("errors[0].field", equalTo("displayName"));
        olga.api().body(Map.of("displayName", "bad\u0007name")).post("/api/v1/workspaces").then().statusCode(400)
                .body("errors[0].message", equalTo(PrintableText.NON_PRINTING));
        olga.api().body("{\"displayName\": ").post("/api/v1/workspaces").then().statusCode(400)
                .contentType("application/problem+json");
        olga.api().body("{\"displayName\": {\"nested\": 1}}").post("/api/v1/workspaces").then().statusCode(400)
                .body("errors[0].field", equalTo("displayName"));
        olga.api().get("/api/v1/workspaces/not-a-uuid").then().statusCode(404).contentType("application/problem+json");
        olga.api().get("/api/v1/workspaces").then().body("$", hasSize(1));
    }

    /** One of each refused kind: line breaks (also Unicode's), controls, format, private use, unassigned. */
    static final List<String> NON_PRINTING = List.of("line\u2028separator", "paragraph\u2029separator",
            "next\u0085line", "line\nfeed", "carriage\rreturn", "nul\u0000", "bidi\u202eoverride",
            "zero\u200bwidth", "private\ue000use", "unassigned\u0378", "trailing\u2028");

    @Test
    void aNameThatDoesNotPrintIsRefusedOnCreateAndRenameNamingTheFieldAndNothingChanges() {
        Tenant rosa = Tenant.signUp("rosa");
        String ws = rosa.personalWorkspaceId();
        String before = rosa.api().get("/api/v1/workspaces/" + ws).then().statusCode(200).extract()
                .path("displayName");
        for (String name : NON_PRINTING) {
            // NUL is refused earlier, by the JSON reader's rule for every body (common/JsonInputs).
            String message = name.contains("\u0000") ? "must not contain NUL characters" : PrintableText.NON_PRINTING;
            rosa.api().body(Map.of("displayName", name)).post("/api/v1/workspaces").then().statusCode(400)
                    .contentType("application/problem+json").body("errors[0].field", equalTo("displayName"))
                    .body("errors[0].message", equalTo(message));
            rosa.api().body(Map.of("displayName", name)).patch("/api/v1/workspaces/" + ws).then().statusCode(400)
                    .contentType("application/problem+json").body("errors[0].field", equalTo("displayName"))
                    .body("errors[0].message", equalTo(message));
        }
        // Nothing made, nothing renamed; the kubeconfig still has the one context, current.
        rosa.api().get("/api/v1/workspaces").then().statusCode(200).body("$", hasSize(1))
                .body("[0].displayName", equalTo(before));
        String kubeconfig = rosa.api().get("/api/v1/me/kubeconfig").then().statusCode(200).extract().asString();
        assertThat(kubeconfig).doesNotContain("\u2028", "\u2029", "\u0085");
        // And what prints is taken: letters of any script, symbols, YAML indicators.
        rosa.api().body(Map.of("displayName", "Équipe 日本 ✓ ---: #&*")).patch("/api/v1/workspaces/" + ws).then()
                .statusCode(200).body("displayName", equalTo("Équipe 日本 ✓ ---: #&*"));
    }

    @Test
    void someoneElsesWorkspaceDoesNotExistForYou() {
        Tenant pia = Tenant.signUp("pia");
        Tenant quinn = Tenant.signUp("quinn");
        String piaWs = pia.personalWorkspaceId();
        for (String path : new String[]{"", "/members", "/invitations"}) {
            quinn.api().get("/api/v1/workspaces/" + piaWs + path).then().statusCode(404)
                    .body("detail", equalTo("No workspace " + piaWs));
        }
        quinn.api().body(Map.of("displayName", "mine now")).patch("/api/v1/workspaces/" + piaWs).then().statusCode(404);
        quinn.api().delete("/api/v1/workspaces/" + piaWs).then().statusCode(404);
        quinn.api().get("/api/v1/workspaces/00000000-0000-0000-0000-000000000000").then().statusCode(404)
                .body("detail", equalTo("No workspace 00000000-0000-0000-0000-000000000000"));
    }

    @Test
    void thePlanLimitsHowManyWorkspacesSomeoneOwns() {
        Tenant rui = Tenant.signUp("rui");
        rui.createWorkspace("Two");
        rui.createWorkspace("Three");
        rui.api().body(Map.of("displayName", "Four")).post("/api/v1/workspaces").then().statusCode(403)
                .contentType("application/problem+json")
                .body("detail", equalTo("The Free plan allows 3 workspaces; you own 3"));
    }

    @Test
    void renamingShowsInTheApiAndOnTheNamespace() {
        Tenant sam = Tenant.signUp("sam");
        String id = sam.createWorkspace("Before");
        sam.api().body(Map.of("displayName", "  After  ")).patch("/api/v1/workspaces/" + id).then().statusCode(200)
                .body("displayName", equalTo("After"));
        String ns = sam.namespace(id);
        MembershipIT.awaitTrue(() -> "After".equals(Kube.admin().namespaces().withName(ns).get().getMetadata()
                .getAnnotations().get("berth.io/display-name")), Duration.ofSeconds(5));
    }

    @Test
    void deletingAWorkspaceRemovesItsNamespaceAndEveryAccessToIt() {
        Tenant tom = Tenant.signUp("tom");
        String id = tom.createWorkspace("Short-lived");
        String ns = tom.awaitReady(id).getString("namespace");
        Kubectl kubectl = tom.kubectl();
        assertThat(kubectl.run("-n", ns, "create", "configmap", "c").ok()).isTrue();

        tom.api().delete("/api/v1/workspaces/" + id).then().statusCode(202);

        tom.api().get("/api/v1/workspaces/" + id).then().statusCode(404);
        MembershipIT.awaitTrue(() -> !kubectl.run("-n", ns, "get", "configmaps").ok(), Duration.ofSeconds(5));
        MembershipIT.awaitTrue(() -> Kube.admin().namespaces().withName(ns).get() == null, Duration.ofSeconds(60));
    }
}
