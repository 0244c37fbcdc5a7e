package io.berth.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import io.berth.testing.Kubectl;
import io.berth.testing.RealStack;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.client.KubernetesClientException;

/** deploy/metering-agent against the real API server: valid, admitted, and no more powerful than it must be. */
class DeployManifestsIT {

    static final String SA = "system:serviceaccount:berth-metering:berth-metering-agent";

    final Kubectl kubectl = Kubectl.withKubeconfig(ItCluster.read(Path.of(RealStack.get("ADMIN_KUBECONFIG"))));
    final Path deploy = RealStack.root().resolve("deploy/metering-agent");

    @Test
    void theManifestsPassAServerSideDryRun() {
        // The namespace must exist for a dry run of what goes in it (a dry run creates nothing).
        ItCluster.agentKubeconfig();
        Kubectl.Result r = kubectl.run("apply", "--dry-run=server", "-k", deploy.toString());
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(r.stdout()).contains("daemonset.apps/berth-metering-agent", "(server dry run)",
                "clusterrole.rbac.authorization.k8s.io/berth-metering-agent", "configmap/berth-metering-agent");
        assertThat(r.stderr()).doesNotContain("Warning");
    }

    @Test
    void theAgentsPodIsAdmittedInItsNamespaceAndWouldBeRefusedInRestrictedBerthSystem() {
        ItCluster.agentKubeconfig();
        DaemonSet ds = ItCluster.admin().apps().daemonSets().load(deploy.resolve("30-daemonset.yaml").toFile())
                .item();
        Pod pod = new PodBuilder().withNewMetadata().withName("agent-dry-run").endMetadata()
                .withSpec(ds.getSpec().getTemplate().getSpec()).build();
        Pod admitted = ItCluster.admin().pods().inNamespace("berth-metering").resource(pod).dryRun().create();
        assertThat(admitted.getSpec().getHostPID()).isTrue();
        // The same pod (with a ServiceAccount that exists there) in berth-system: Pod Security "restricted" says no.
        Pod inBerthSystem = new PodBuilder(pod).editSpec().withServiceAccountName("default").endSpec().build();
        assertThatThrownBy(() -> ItCluster.admin().pods().inNamespace("berth-system").resource(inBerthSystem)
                .dryRun().create()).isInstanceOf(KubernetesClientException.class)
                .hasMessageContaining("violates PodSecurity \"restricted");
    }

    @Test
    void theServiceAccountMayDoWhatTheAgentNeedsAndNothingElse() {
        ItCluster.agentKubeconfig();
        for (String allowed : new String[]{"list pods --all-namespaces", "watch pods --all-namespaces",
                "get nodes", "list persistentvolumeclaims --all-namespaces", "watch services --all-namespaces",
                "list namespaces", "watch namespaces",
                "create leases -n berth-metering", "patch leases/berth-metering-collector -n berth-metering",
                "update leases/berth-metering-collector -n berth-metering"}) {
            assertThat(canI(allowed)).as(allowed).isEqualTo("yes");
        }
        for (String denied : new String[]{"create pods -n default", "delete pods -n default", "list secrets -A",
                "get secrets -n berth-metering", "list nodes", "patch nodes", "patch leases/other -n berth-metering",
                "delete leases/berth-metering-collector -n berth-metering", "create leases -n kube-system",
                "create pods/exec -n default", "patch namespaces", "delete namespaces"}) {
            assertThat(canI(denied)).as(denied).isEqualTo("no");
        }
    }

    private String canI(String what) {
        String[] args = ("auth can-i " + what + " --as=" + SA).split(" ");
        return kubectl.run(args).stdout().strip();
    }
}
