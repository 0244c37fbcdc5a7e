package io.berth.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.berth.Tenant;
import io.berth.testing.DemoPods;
import io.berth.testing.Kube;
import io.berth.testing.Kubectl;
import io.berth.testing.Nodes;
import io.berth.testing.RealStack;
import io.berth.testing.RealStackResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Workspaces' networks on the real nodes, proven by traffic: the policy controller enforces the three policies every
 * workspace gets (a workspace's pods reach each other and the cluster DNS, nothing reaches them from another
 * workspace), a tenant's own policies cannot reopen what the platform closes (the admission guard refuses egress to
 * the protected ranges; the nodes drop pod traffic to their own addresses and link-local addresses below every
 * policy), and the platform's namespaces accept nothing from workspaces. Each refusal is checked as the specific
 * outcome ("refused" where the policy controller rejects, "timeout" where a node drops).
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkspaceNetworkIT {

    Tenant alice;
    Tenant bob;
    String nsA;
    String nsB;
    Kubectl kubectlA;
    DemoPods podsA;
    DemoPods podsB;
    DemoPods.Pod clientA;
    DemoPods.Pod webA;
    DemoPods.Pod webB;
    String plainNs;
    Process outsideWeb;

    @BeforeAll
    void workspacesWithPods() {
        alice = Tenant.signUp("net-alice");
        bob = Tenant.signUp("net-bob");
        nsA = alice.personalNamespace();
        nsB = bob.personalNamespace();
        kubectlA = alice.kubectl();
        Kubectl kubectlB = bob.kubectl();
        podsA = new DemoPods(kubectlA, nsA);
        podsB = new DemoPods(kubectlB, nsB);
        webA = podsA.run("web", DemoPods.WEB_IMAGE, Nodes.name(1), null);
        clientA = podsA.run("client", DemoPods.CLIENT_IMAGE, Nodes.name(2), null);
        webB = podsB.run("web", DemoPods.WEB_IMAGE, Nodes.name(1), null);
        assertThat(kubectlA.run("expose", "pod", "web", "--port", "80", "--target-port", "8080").ok()).isTrue();
        assertThat(kubectlB.run("expose", "pod", "web", "--port", "80", "--target-port", "8080").ok()).isTrue();
        outsideWeb = Nodes.outside(Path.of("target/it/outside-web.log"), "serve", "-listen",
                Nodes.outsideIp() + ":8080");
    }

    @AfterAll
    void stopOutside() {
        if (outsideWeb != null) {
            outsideWeb.destroyForcibly();
        }
        if (plainNs != null) {
            Kube.admin().namespaces().withName(plainNs).delete();
        }
    }

    @Test
    void aWorkspacesPodsReachEachOtherAcrossNodesByServiceNameAndTheClusterDns() {
        assertThat(podsA.exec(clientA, "fetch", "-expect", "100000", "http://web/bytes/100000").get("status")
                .asInt()).isEqualTo(200);
        assertThat(podsA.connect(clientA, webA.ip() + ":8080")).isEqualTo("open");
        String serviceIp = kubectlA.run("get", "service", "web", "-o", "jsonpath={.spec.clusterIP}").stdout();
        assertThat(podsA.exec(clientA, "lookup", "web." + nsA + ".svc.cluster.local").get("addresses").get(0)
                .asText()).isEqualTo(serviceIp);
    }

    @Test
    void nothingReachesAWorkspaceFromAnotherOne() {
        // The policy controller rejects Alice's connection to Bob's pod, by pod address and by Service, while the
        // same kind of connection inside Alice's workspace opens (the test above): enforced, not only written.
        assertThat(podsA.connect(clientA, webB.ip() + ":8080")).isEqualTo("refused");
        assertThat(podsA.connect(clientA, "web." + nsB + ".svc.cluster.local:80")).isEqualTo("refused");
        // From a namespace with no policies of its own (no egress limits), Alice's default deny still refuses.
        assertThat(adminClient().connect(adminPod(), webA.ip() + ":8080")).isEqualTo("refused");
    }

    @Test
    void aTenantsAllowAllEgressReopensNeitherOtherWorkspacesNorTheNodes() {
        Kubectl.Result r = kubectlA.apply("""
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: allow-all-egress}
                spec:
                  podSelector: {}
                  policyTypes: [Egress]
                  egress:
                  - to:
                    - namespaceSelector: {}
                    - ipBlock:
                        cidr: 0.0.0.0/0
                        except: [169.254.0.0/16, %s]
                """.formatted(RealStack.get("LAN_CIDR")));
        assertThat(r.ok()).as(r.output()).isTrue();
        // The allowance is real: the outside host is reachable now.
        awaitOutcome(() -> podsA.connect(clientA, Nodes.outsideIp() + ":8080"), "open");
        assertThat(podsA.connect(clientA, webB.ip() + ":8080")).isEqualTo("refused");
        // Below the policy, the nodes drop what the guard protects: silence (timeout), not a rejection.
        for (int n = 1; n <= Nodes.names().size(); n++) {
            assertThat(podsA.connect(clientA, Nodes.ip(n) + ":10250")).as("kubelet of node " + n)
                    .isEqualTo("timeout");
        }
        assertThat(podsA.connect(clientA, "169.254.169.254:80")).isEqualTo("timeout");
        // The host's PostgreSQL is on the excepted LAN: the tenant's own policy rejects it.
        assertThat(podsA.connect(clientA, RealStack.get("HOST_IP") + ":" + port("DATABASE_URL")))
                .as("the host's PostgreSQL").isEqualTo("refused");
        assertThat(podsA.exec(clientA, "fetch", "http://web/").get("status").asInt()).isEqualTo(200);
        kubectlA.run("delete", "networkpolicy", "allow-all-egress");
    }

    @Test
    void theGuardRefusesPoliciesThatReachTheProtectedRangesOnCreateAndUpdate() {
        String lan = RealStack.get("LAN_CIDR");
        assertRefused(egress("no-to", "- ports: [{port: 443}]"), "every egress rule must name its destinations");
        assertRefused(egress("everything", "- to: [{ipBlock: {cidr: 0.0.0.0/0}}]"),
                "egress to 0.0.0.0/0 would reach the platform's protected ranges");
        assertRefused(egress("metadata", "- to: [{ipBlock: {cidr: 169.254.169.254/32}}]"),
                "egress to 169.254.169.254/32 would reach");
        assertRefused(egress("nodes", "- to: [{ipBlock: {cidr: " + lan + "}}]"), "egress to " + lan + " would reach");
        assertRefused(egress("tens", "- to: [{ipBlock: {cidr: 10.0.0.0/8, except: [10.96.0.0/12]}}]"),
                "egress to 10.0.0.0/8 would reach");
        assertRefused(egress("v6", "- to: [{ipBlock: {cidr: '::/0'}}]"), "egress to ::/0 would reach");
        assertThat(kubectlA.run("get", "networkpolicy", "-o", "name").stdout()).doesNotContain("no-to", "everything",
                "metadata", "nodes", "tens", "v6");

        Kubectl.Result ok = kubectlA.apply(egress("web-only", "- to: [{ipBlock: {cidr: 10.0.0.0/8, except: [" + lan
                + "]}}]"));
        assertThat(ok.ok()).as(ok.output()).isTrue();
        assertRefused(egress("web-only", "- to: [{ipBlock: {cidr: 10.0.0.0/8}}]"), "egress to 10.0.0.0/8 would reach");
        assertThat(kubectlA.run("get", "networkpolicy", "web-only", "-o", "jsonpath={.spec.egress[0].to[0].ipBlock}")
                .stdout()).as("the update changed nothing").contains(lan);
        kubectlA.run("delete", "networkpolicy", "web-only");
    }

    @Test
    void theNodesDropPodTrafficToTheirOwnAddressesWithNoPolicyInTheWay() {
        DemoPods admin = adminClient();
        DemoPods.Pod pod = adminPod();
        for (int n = 1; n <= Nodes.names().size(); n++) {
            assertThat(admin.connect(pod, Nodes.ip(n) + ":10250")).as("kubelet of node " + n).isEqualTo("timeout");
        }
        assertThat(admin.connect(pod, "169.254.169.254:80")).isEqualTo("timeout");
        // What platform pods need on the LAN stays open: the API server and PostgreSQL on the host.
        assertThat(admin.connect(pod, RealStack.get("HOST_IP") + ":" + port("DATABASE_URL"))).isEqualTo("open");
        assertThat(admin.connect(pod, RealStack.get("HOST_IP") + ":" + port("KUBE_API_URL"))).isEqualTo("open");
        assertThat(admin.connect(pod, RealStack.get("HOST_IP") + ":22")).isEqualTo("timeout");
    }

    @Test
    void platformNamespacesAcceptNothingFromWorkspaces() {
        Kubectl.Result r = kubectlA.apply(egress("all-namespaces", "- to: [{namespaceSelector: {}}]"));
        assertThat(r.ok()).as(r.output()).isTrue();
        DemoPods system = new DemoPods(adminKubectl(), "berth-system");
        DemoPods.Pod platformWeb = system.create("guard-probe-web", restrictedWeb("guard-probe-web", "berth-system"));
        try {
            // A pod the enforcer has not yet programmed is open for its first seconds (kube-router fills a new pod's
            // chains on its next sync; docs/security.md, known limits): once it has, it stays refused.
            awaitOutcome(() -> podsA.connect(clientA, platformWeb.ip() + ":8080"), "refused");
            assertThat(podsA.connect(clientA, platformWeb.ip() + ":8080")).isEqualTo("refused");
            if (RealStack.withAgent()) {
                String agentIp = Kube.admin().pods().inNamespace("berth-metering").list().getItems().get(0)
                        .getStatus().getPodIP();
                assertThat(podsA.connect(clientA, agentIp + ":9102")).isEqualTo("refused");
            }
        } finally {
            system.delete("guard-probe-web");
            kubectlA.run("delete", "networkpolicy", "all-namespaces");
        }
    }

    private void assertRefused(String manifest, String message) {
        Kubectl.Result r = kubectlA.apply(manifest);
        assertThat(r.ok()).as(r.output()).isFalse();
        assertThat(r.stderr()).contains("berth-networkpolicy-guard").contains(message);
    }

    private static String egress(String name, String rules) {
        return """
                apiVersion: networking.k8s.io/v1
                kind: NetworkPolicy
                metadata: {name: %s}
                spec:
                  podSelector: {}
                  policyTypes: [Egress]
                  egress:
                  %s
                """.formatted(name, rules.replace("\n", "\n  "));
    }

    /** A pod in a namespace that is no workspace: no policies, no admission guard, only the nodes' own floor. */
    private synchronized DemoPods.Pod adminPod() {
        if (plainNs == null) {
            plainNs = "net-plain-" + Long.toString(System.nanoTime() % 1_000_000L, 36);
            Kube.admin().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(plainNs)
                    .endMetadata().build()).create();
            adminClient().run("client", DemoPods.CLIENT_IMAGE, Nodes.name(1), null);
        }
        return adminClient().await("client", Duration.ofSeconds(60));
    }

    private DemoPods adminClient() {
        if (plainNs == null) {
            adminPod();
        }
        return new DemoPods(adminKubectl(), plainNs);
    }

    private static Kubectl adminKubectl() {
        try {
            return Kubectl.withKubeconfig(java.nio.file.Files.readString(Path.of(RealStack.get("ADMIN_KUBECONFIG"))));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The web image under Pod Security "restricted", spelled out (berth-system gets no secure defaults). */
    private static String restrictedWeb(String name, String namespace) {
        return """
                apiVersion: v1
                kind: Pod
                metadata: {name: %s, namespace: %s}
                spec:
                  terminationGracePeriodSeconds: 1
                  securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
                  containers:
                  - name: main
                    image: %s
                    imagePullPolicy: IfNotPresent
                    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
                """.formatted(name, namespace, DemoPods.WEB_IMAGE);
    }

    private static String port(String urlKey) {
        String url = RealStack.get(urlKey);
        String afterHost = url.substring(url.indexOf("//") + 2);
        String hostPort = afterHost.contains("/") ? afterHost.substring(0, afterHost.indexOf('/')) : afterHost;
        return hostPort.substring(hostPort.lastIndexOf(':') + 1);
    }

    /** Policies reach the nodes' firewalls within seconds, not at once. */
    private static void awaitOutcome(java.util.function.Supplier<String> probe, String expected) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String last;
        do {
            last = probe.get();
            if (last.equals(expected)) {
                return;
            }
            Tenant.sleep(500);
        } while (System.nanoTime() < deadline);
        assertThat(last).isEqualTo(expected);
    }
}
