package io.berth.agent.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import io.berth.testing.Kube;
import io.berth.testing.Kubectl;
import io.berth.testing.RealStack;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/** The real control plane, as the agent meets it: its RBAC from deploy/metering-agent, a Node, pods bound to it. */
final class ItCluster {

    static final String NAMESPACE = "berth-agent-it";
    static final String AGENT_NAMESPACE = "berth-metering";

    private ItCluster() {
    }

    static KubernetesClient admin() {
        return Kube.admin();
    }

    static void ensureNamespace(String name) {
        if (admin().namespaces().withName(name).get() == null) {
            admin().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata()
                    .build()).create();
        }
    }

    /** A Node object with a pod CIDR and an address: what the agent reads its default internal ranges from. */
    static void createNode(String name, String podCidr, String address) {
        admin().nodes().resource(new NodeBuilder().withNewMetadata().withName(name).endMetadata().withNewSpec()
                .withPodCIDR(podCidr).withPodCIDRs(podCidr).endSpec().withNewStatus().addNewAddress()
                .withType("InternalIP").withAddress(address).endAddress().endStatus().build()).createOr(
                        op -> op.update());
    }

    static void deleteNode(String name) {
        admin().nodes().withName(name).delete();
    }

    /**
     * Applies the agent's namespace and RBAC from deploy/metering-agent for real and returns a kubeconfig with a token
     * of its ServiceAccount: the agent under test has exactly the permissions it is deployed with.
     */
    static Path agentKubeconfig() {
        Kubectl kubectl = Kubectl.withKubeconfig(read(Path.of(RealStack.get("ADMIN_KUBECONFIG"))));
        Path deploy = RealStack.root().resolve("deploy/metering-agent");
        for (String file : List.of("00-namespace.yaml", "10-rbac.yaml")) {
            Kubectl.Result r = kubectl.run("apply", "-f", deploy.resolve(file).toString());
            if (!r.ok()) {
                throw new IllegalStateException("applying " + file + " failed: " + r.output());
            }
        }
        String token = admin().serviceAccounts().inNamespace(AGENT_NAMESPACE).withName("berth-metering-agent")
                .tokenRequest(new TokenRequestBuilder().withNewSpec().withExpirationSeconds(7200L).endSpec().build())
                .getStatus().getToken();
        String kubeconfig = """
                apiVersion: v1
                kind: Config
                clusters:
                - name: it
                  cluster:
                    server: %s
                    certificate-authority: %s
                users:
                - name: agent
                  user:
                    token: %s
                contexts:
                - name: it
                  context:
                    cluster: it
                    user: agent
                current-context: it
                """.formatted(RealStack.get("KUBE_API_URL"), RealStack.get("KUBE_CA_FILE"), token);
        try {
            Path file = Path.of("target/it/agent.kubeconfig").toAbsolutePath();
            Files.createDirectories(file.getParent());
            Files.deleteIfExists(file);
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, kubeconfig);
            return file;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
