package io.berth.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.berth.plan.PlanView;

class WorkspaceManifestsTest {

    private final Workspace ws = workspace();
    private final PlanView plan = plan();

    @Test
    void sizesAreWrittenInTheLargestExactBinaryUnit() {
        assertThat(WorkspaceManifests.bytes(536870912L).toString()).isEqualTo("512Mi");
        assertThat(WorkspaceManifests.bytes(4294967296L).toString()).isEqualTo("4Gi");
        assertThat(WorkspaceManifests.bytes(1000L).toString()).isEqualTo("1000");
        assertThat(WorkspaceManifests.bytes(1536L).toString()).isEqualTo("1536");
        assertThat(WorkspaceManifests.bytes(0L).toString()).isEqualTo("0");
    }

    @Test
    void theNamespacePinsPodSecurityAndCarriesThePlansAllowances() {
        var ns = WorkspaceManifests.namespace(ws, plan, "v1.36");
        assertThat(ns.getMetadata().getLabels())
                .containsEntry("pod-security.kubernetes.io/enforce", "restricted")
                .containsEntry("pod-security.kubernetes.io/enforce-version", "v1.36")
                .containsEntry("pod-security.kubernetes.io/audit", "restricted")
                .containsEntry("pod-security.kubernetes.io/warn", "restricted")
                .containsEntry("berth.io/nodeports", "denied").containsEntry("berth.io/loadbalancers", "allowed");
        assertThat(ns.getMetadata().getAnnotations()).containsEntry("berth.io/storage-classes", "standard,fast")
                .containsEntry("berth.io/extended-resources", "hugepages-2Mi,nvidia.com/gpu");
    }

    @Test
    void theQuotaFollowsThePlan() {
        var hard = WorkspaceManifests.quota(ws, plan, 2).getSpec().getHard();
        assertThat(hard.get("requests.cpu").toString()).isEqualTo("2000m");
        assertThat(hard.get("limits.memory").toString()).isEqualTo("8Gi");
        assertThat(hard.get("services.nodeports").toString()).isEqualTo("0");
        assertThat(hard.get("services.loadbalancers").toString()).isEqualTo("2");
        assertThat(hard.get("resourcequotas").toString()).isEqualTo("1");
        assertThat(hard.get("requests.nvidia.com/gpu").toString()).isEqualTo("2");
        assertThat(hard.get("requests.hugepages-2Mi").toString()).isEqualTo("1Gi");
    }

    @Test
    void objectsOfEveryKindAreCountedWithThePlatformsOwnOnTop() {
        var hard = WorkspaceManifests.quota(ws, plan, 2).getSpec().getHard();
        assertThat(hard.keySet()).containsAll(WorkspaceManifests.COUNTED_KINDS);
        assertThat(hard.get("count/deployments.apps").toString()).isEqualTo("10");
        assertThat(hard.get("count/replicasets.apps").toString()).isEqualTo("110");
        assertThat(hard.get("count/controllerrevisions.apps").toString()).isEqualTo("55");
        assertThat(hard.get("count/cronjobs.batch").toString()).isEqualTo("5");
        assertThat(hard.get("count/roles.rbac.authorization.k8s.io").toString()).isEqualTo("11");
        assertThat(hard.get("count/poddisruptionbudgets.policy").toString()).isEqualTo("15");
        assertThat(hard.get("count/serviceaccounts").toString()).as("and the default ServiceAccount").isEqualTo("11");
        assertThat(hard.get("count/rolebindings.rbac.authorization.k8s.io").toString())
                .as("and two per member, for a role change").isEqualTo("16");
        assertThat(hard.get("count/networkpolicies.networking.k8s.io").toString())
                .as("and the platform's three, and one per Service for the gateway").isEqualTo("26");
        assertThat(hard.get("count/httproutes.gateway.networking.k8s.io").toString()).as("the Ingress count")
                .isEqualTo("5");
        assertThat(hard.get("count/grpcroutes.gateway.networking.k8s.io").toString()).isEqualTo("5");
        assertThat(hard.get("count/gateways.gateway.networking.k8s.io").toString()).as("the platform's one")
                .isEqualTo("1");
        assertThat(hard.get("secrets").toString()).as("and the apps certificate").isEqualTo("51");
    }

    @Test
    void everyManagedObjectIsLabelledSoTheGuardsProtectIt() {
        assertThat(WorkspaceManifests.contents(ws, plan, 2)).allSatisfy(o -> assertThat(o.getMetadata().getLabels())
                .containsEntry(WorkspaceManifests.MANAGED, "true"));
        UUID account = UUID.randomUUID();
        var binding = WorkspaceManifests.memberBinding(ws,
                new WorkspaceManifests.Member(account, WorkspaceRole.developer, 3), "berth-users");
        assertThat(binding.getMetadata().getLabels()).containsEntry(WorkspaceManifests.MANAGED, "true");
        assertThat(binding.getRoleRef().getName()).isEqualTo("berth:workspace-developer");
        assertThat(binding.getSubjects().get(0).getNamespace()).isEqualTo("berth-users");
        assertThat(binding.getSubjects().get(0).getName()).as("the current epoch's identity")
                .isEqualTo("u-" + account + "-e3");
    }

    @Test
    void aSuspendedWorkspaceRunsAndClaimsNothingNewWhateverThePlanAndSaysSo() {
        ws.suspendedByAdmin = true;
        var hard = WorkspaceManifests.quota(ws, plan, 2).getSpec().getHard();
        for (String zero : List.of("pods", "requests.cpu", "limits.memory", "requests.storage",
                "persistentvolumeclaims", "services.loadbalancers", "requests.nvidia.com/gpu",
                "requests.hugepages-2Mi")) {
            assertThat(hard.get(zero).toString()).as(zero).isEqualTo("0");
        }
        assertThat(hard.get("resourcequotas").toString()).as("the quota itself still fits").isEqualTo("1");
        assertThat(hard.get("secrets").toString()).as("objects stay bounded by the plan").isEqualTo("51");
        assertThat(hard.get("count/deployments.apps").toString()).isEqualTo("10");
        assertThat(WorkspaceManifests.namespace(ws, plan, "v1.36").getMetadata().getAnnotations())
                .containsEntry("berth.io/suspended", "true");
        ws.suspendedByAdmin = false;
        ws.suspendedForDebt = true;
        assertThat(WorkspaceManifests.quota(ws, plan, 2).getSpec().getHard().get("pods").toString())
                .isEqualTo("0");
    }

    @Test
    void containersGetThePlansDefaultsSoEveryOneCountsAgainstTheQuota() {
        var limit = WorkspaceManifests.limits(ws, plan).getSpec().getLimits().get(0);
        assertThat(limit.getType()).isEqualTo("Container");
        assertThat(limit.getDefaultRequest().get("cpu").toString()).isEqualTo("100m");
        assertThat(limit.getDefaultRequest().get("memory").toString()).isEqualTo("128Mi");
        assertThat(limit.getDefault().get("memory").toString()).isEqualTo("512Mi");
        assertThat(limit.getMin()).as("no minimum: small pods are never refused").isNullOrEmpty();
    }

    @Test
    void trafficIsDeniedButWithinTheNamespaceAndToClusterDns() {
        var policies = WorkspaceManifests.networkPolicies(ws);
        assertThat(policies).extracting(p -> p.getMetadata().getName()).containsExactly(
                WorkspaceManifests.DEFAULT_DENY, WorkspaceManifests.ALLOW_SAME_NAMESPACE, WorkspaceManifests.ALLOW_DNS);
        assertThat(policies.get(0).getSpec().getIngress()).isNullOrEmpty();
        assertThat(policies.get(0).getSpec().getPolicyTypes()).containsExactly("Ingress", "Egress");
        assertThat(policies.get(2).getSpec().getEgress().get(0).getPorts()).extracting(p -> p.getPort().getIntVal())
                .containsOnly(53);
        assertThat(policies).allSatisfy(p -> assertThat(p.getMetadata().getNamespace()).isEqualTo("ws-abc"));
    }

    @Test
    void aMembersBindingIsNamedAfterTheRoleSoARoleChangeMakesANewOne() {
        UUID account = UUID.randomUUID();
        var developer = new WorkspaceManifests.Member(account, WorkspaceRole.developer, 1);
        var viewer = new WorkspaceManifests.Member(account, WorkspaceRole.viewer, 1);
        assertThat(WorkspaceManifests.memberBindingName(developer)).isEqualTo("berth-member-developer-" + account);
        assertThat(WorkspaceManifests.memberBindingName(viewer)).isNotEqualTo(
                WorkspaceManifests.memberBindingName(developer));
        assertThat(WorkspaceManifests.memberBinding(ws, viewer, "berth-users").getMetadata().getLabels())
                .containsEntry(WorkspaceManifests.MEMBER, account.toString())
                .containsEntry(WorkspaceManifests.WORKSPACE_ID, ws.id.toString());
    }

    @Test
    void theNamespaceCarriesItsNameIdAndPlanForPeopleAndGuards() {
        var meta = WorkspaceManifests.namespace(ws, plan, "v1.36").getMetadata();
        assertThat(meta.getName()).isEqualTo("ws-abc");
        assertThat(meta.getLabels()).containsEntry(WorkspaceManifests.WORKSPACE, "true")
                .containsEntry(WorkspaceManifests.WORKSPACE_ID, ws.id.toString())
                .containsEntry(WorkspaceManifests.MANAGED_BY, "berth");
        assertThat(meta.getAnnotations()).containsEntry("berth.io/display-name", "Test")
                .containsEntry("berth.io/plan", "test").containsEntry("berth.io/suspended", "false");
    }

    private static Workspace workspace() {
        Workspace ws = new Workspace();
        ws.id = UUID.randomUUID();
        ws.namespace = "ws-abc";
        ws.displayName = "Test";
        return ws;
    }

    /** Quotas of a small plan; prices do not matter to manifests. */
    static PlanView plan() {
        return new PlanView("test", "Test", "", true, 3, 2000, 4000, 4L << 30, 8L << 30, 10L << 30, 20L << 30, 20, 10,
                50, 50, 10, 5, 0, 2, 10, 110, 5, 55, 30, 5, 10, 11, 12, 5, 13, 14, 15,
                Map.of("nvidia.com/gpu", 2L, "hugepages-2Mi", 1L << 30), List.of("standard", "fast"), 100, 500,
                128L << 20, 512L << 20, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }
}
