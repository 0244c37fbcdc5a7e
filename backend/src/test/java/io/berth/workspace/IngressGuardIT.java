package io.berth.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.berth.Tenant;
import io.berth.testing.Kube;
import io.berth.testing.Kubectl;
import io.berth.testing.RealStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The hosts a tenant's Ingress may claim (issue 12, item 6): only names under its own workspace's suffix,
 * {@code <name>.<namespace>.<apps domain>}, on CREATE and UPDATE. Real kubectl with two tenants' kubeconfigs against
 * the real API server and its admission policy; each refusal asserted by its message, followed by a look at what
 * stayed.
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngressGuardIT {

    String ns;
    String otherNs;
    String domain;
    Kubectl kubectl;
    Kubectl otherKubectl;

    @BeforeAll
    void twoTenants() {
        Tenant tenant = Tenant.signUp("ingress");
        Tenant other = Tenant.signUp("ingress-other");
        ns = tenant.personalNamespace();
        otherNs = other.personalNamespace();
        kubectl = tenant.kubectl();
        otherKubectl = other.kubectl();
        domain = Kube.admin().configMaps().inNamespace("berth-system").withName("berth-apps").get().getData()
                .get("appsDomain");
        assertThat(domain).isNotBlank();
    }

    private String suffix(String namespace) {
        return "." + namespace + "." + domain;
    }

    @Test
    void aHostUnderTheWorkspacesOwnSuffixIsRouted() {
        Kubectl.Result r = kubectl.apply(ingress("own", "{\"host\": \"shop" + suffix(ns) + "\"}", "", ""));
        assertThat(r.ok()).as(r.output()).isTrue();
        Kubectl.Result deeper = kubectl.apply(ingress("deeper", "{\"host\": \"api.v2" + suffix(ns) + "\"}", "",
                ", \"tls\": [{\"hosts\": [\"api.v2" + suffix(ns) + "\"]}]"));
        assertThat(deeper.ok()).as(deeper.output()).isTrue();
    }

    @Test
    void anotherTenantsHostsAreRefusedAndStayItsOwn() {
        String theirs = "shop" + suffix(otherNs);
        Kubectl.Result mine = otherKubectl.apply(ingress("theirs", "{\"host\": \"" + theirs + "\"}", "", ""));
        assertThat(mine.ok()).as(mine.output()).isTrue();
        assertRefused(kubectl.apply(ingress("steal", "{\"host\": \"" + theirs + "\"}", "", "")),
                "Ingress hosts must be names under this workspace's suffix " + suffix(ns) + " (no wildcards); "
                        + "refused: " + theirs);
        assertThat(kubectl.run("get", "ingress", "steal").ok()).isFalse();
        assertThat(otherKubectl.run("get", "ingress", "theirs", "-o", "jsonpath={.spec.rules[0].host}").stdout())
                .isEqualTo(theirs);
    }

    @Test
    void wildcardsBareSuffixesAndPlatformHostsAreRefused() {
        for (String host : new String[]{"*" + suffix(ns), ns + "." + domain, domain}) {
            assertRefused(kubectl.apply(ingress("bad", "{\"host\": \"" + host + "\"}", "", "")),
                    "Ingress hosts must be names under this workspace's suffix " + suffix(ns) + " (no wildcards); "
                            + "refused: " + host);
        }
        // Outside the apps domain: a custom domain, which this workspace has not verified (the portal's host too).
        for (String host : new String[]{"console.berth.localhost", "shop" + suffix(ns) + ".evil.example",
                "example.com"}) {
            assertRefused(kubectl.apply(ingress("bad", "{\"host\": \"" + host + "\"}", "", "")),
                    "Ingress host " + host + " is not under this workspace's suffix " + suffix(ns)
                            + " and is not a domain verified for this workspace (verify it under Domains in the "
                            + "console or POST /api/v1/workspaces/");
        }
        assertThat(kubectl.run("get", "ingress", "bad").ok()).isFalse();
    }

    @Test
    void aRuleWithoutAHostOrADefaultBackendIsRefused() {
        assertRefused(kubectl.apply(ingress("catch-all", "{}", "", "")),
                "every Ingress rule needs a host under " + suffix(ns));
        assertRefused(kubectl.apply("""
                {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "default"},
                 "spec": {"defaultBackend": {"service": {"name": "web", "port": {"number": 80}}}}}
                """), "spec.defaultBackend is not allowed in workspaces");
        assertThat(kubectl.run("get", "ingress", "catch-all").ok()).isFalse();
        assertThat(kubectl.run("get", "ingress", "default").ok()).isFalse();
    }

    @Test
    void tlsHostsOutsideTheSuffixAndSnippetAnnotationsAreRefused() {
        assertRefused(kubectl.apply(ingress("tls", "{\"host\": \"shop" + suffix(ns) + "\"}", "",
                ", \"tls\": [{\"hosts\": [\"shop" + suffix(otherNs) + "\"], \"secretName\": \"x\"}]")),
                "Ingress TLS hosts must be names under this workspace's suffix " + suffix(ns));
        assertRefused(kubectl.apply(ingress("snippet", "{\"host\": \"shop" + suffix(ns) + "\"}",
                "\"annotations\": {\"nginx.ingress.kubernetes.io/server-snippet\": \"location / { proxy_pass "
                        + "http://10.0.0.1; }\"}",
                "")), "controller snippet annotations are not allowed in workspaces: "
                        + "nginx.ingress.kubernetes.io/server-snippet");
        assertThat(kubectl.run("get", "ingress", "tls").ok()).isFalse();
        assertThat(kubectl.run("get", "ingress", "snippet").ok()).isFalse();
    }

    @Test
    void anUpdateIsJudgedLikeACreateAndChangesNothing() {
        String own = "blog" + suffix(ns);
        Kubectl.Result created = kubectl.apply(ingress("blog", "{\"host\": \"" + own + "\"}", "", ""));
        assertThat(created.ok()).as(created.output()).isTrue();
        String theirs = "blog" + suffix(otherNs);
        assertRefused(kubectl.run("patch", "ingress", "blog", "--type=json", "-p",
                "[{\"op\": \"replace\", \"path\": \"/spec/rules/0/host\", \"value\": \"" + theirs + "\"}]"),
                "refused: " + theirs);
        assertRefused(kubectl.run("patch", "ingress", "blog", "--type=json", "-p",
                "[{\"op\": \"remove\", \"path\": \"/spec/rules/0/host\"}]"),
                "every Ingress rule needs a host under " + suffix(ns));
        assertRefused(kubectl.run("annotate", "ingress", "blog",
                "haproxy.org/backend-config-snippet=http-request set-header X-Admin 1"),
                "controller snippet annotations are not allowed in workspaces: haproxy.org/backend-config-snippet");
        assertThat(kubectl.run("get", "ingress", "blog", "-o", "jsonpath={.spec.rules[0].host}").stdout())
                .isEqualTo(own);
        assertThat(kubectl.run("get", "ingress", "blog", "-o", "jsonpath={.metadata.annotations}").stdout())
                .doesNotContain("snippet");
    }

    private static String ingress(String name, String rule, String metadata, String spec) {
        String rules = rule.equals("{}")
                ? "{\"http\": " + paths() + "}"
                : rule.replaceFirst("}$", ", \"http\": " + paths() + "}");
        return """
                {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress",
                 "metadata": {"name": "%s"%s},
                 "spec": {"rules": [%s]%s}}
                """.formatted(name, metadata.isEmpty() ? "" : ", " + metadata, rules, spec);
    }

    private static String paths() {
        return "{\"paths\": [{\"path\": \"/\", \"pathType\": \"Prefix\", \"backend\": {\"service\": {\"name\": "
                + "\"web\", \"port\": {\"number\": 80}}}}]}";
    }

    private static void assertRefused(Kubectl.Result r, String expected) {
        assertThat(r.ok()).as("should have been refused: " + r.output()).isFalse();
        assertThat(r.stderr()).contains("denied request: Berth: ").contains(expected);
    }
}
