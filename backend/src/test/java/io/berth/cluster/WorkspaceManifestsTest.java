package io.berth.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.berth.plan.Plan;
import io.berth.workspace.Workspace;
import io.berth.workspace.WorkspaceRole;

class WorkspaceManifestsTest {

    private final Workspace ws = workspace();
    private final Plan plan = plan();

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
        assertThat(ns.getMetadata().getAnnotations()).containsEntry("berth.io/storage-classes", "standard,fast");
    }

    @Test
    void theQuotaFollowsThePlan() {
        var hard = WorkspaceManifests.quota(ws, plan).getSpec().getHard();
        assertThat(hard.get("requests.cpu").toString()).isEqualTo("2000m");
        assertThat(hard.get("limits.memory").toString()).isEqualTo("8Gi");
        assertThat(hard.get("services.nodeports").toString()).isEqualTo("0");
        assertThat(hard.get("services.loadbalancers").toString()).isEqualTo("2");
        assertThat(hard.get("resourcequotas").toString()).isEqualTo("1");
    }

    @Test
    void everyManagedObjectIsLabelledSoTheGuardsProtectIt() {
        assertThat(WorkspaceManifests.contents(ws, plan)).allSatisfy(o -> assertThat(o.getMetadata().getLabels())
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

    private static Workspace workspace() {
        Workspace ws = new Workspace();
        ws.id = UUID.randomUUID();
        ws.namespace = "ws-abc";
        ws.displayName = "Test";
        return ws;
    }

    private static Plan plan() {
        Plan p = new Plan();
        p.id = "test";
        p.cpuRequestMillis = 2000;
        p.cpuLimitMillis = 4000;
        p.memoryRequestBytes = 4L << 30;
        p.memoryLimitBytes = 8L << 30;
        p.ephemeralStorageBytes = 10L << 30;
        p.storageBytes = 20L << 30;
        p.maxPods = 20;
        p.maxServices = 10;
        p.maxSecrets = 50;
        p.maxConfigmaps = 50;
        p.maxPvcs = 10;
        p.maxReplicationControllers = 5;
        p.maxNodeports = 0;
        p.maxLoadbalancers = 2;
        p.storageClasses = new String[]{"standard", "fast"};
        p.defaultCpuRequestMillis = 100;
        p.defaultCpuLimitMillis = 500;
        p.defaultMemoryRequestBytes = 128L << 20;
        p.defaultMemoryLimitBytes = 512L << 20;
        return p;
    }
}
