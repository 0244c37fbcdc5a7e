package io.berth.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.berth.common.ProblemException;

class PlanRulesTest {

    private static PlanView plan(String name, long cpuRequest, long defaultCpuRequest, long defaultCpuLimit,
            List<String> storageClasses, long priceCpu) {
        return plan(name, cpuRequest, defaultCpuRequest, defaultCpuLimit, storageClasses, priceCpu, 50,
                Map.of("nvidia.com/gpu", 2L, "hugepages-2Mi", 1L << 30));
    }

    private static PlanView plan(String name, long cpuRequest, long defaultCpuRequest, long defaultCpuLimit,
            List<String> storageClasses, long priceCpu, int maxDeployments, Map<String, Long> extended) {
        return new PlanView("team", name, "", true, 10, cpuRequest, 16000, 1L << 34, 1L << 35, 1L << 34, 1L << 36, 100,
                50, 200, 200, 50, 10, 2, 1, maxDeployments, 550, 20, 220, 100, 20, 50, 50, 50, 20, 50, 50, 50,
                extended, storageClasses, defaultCpuRequest, defaultCpuLimit, 128L << 20, 512L << 20, priceCpu, 3500,
                100, 80000, 0, 0, 2000, 25000, 10_000_000);
    }

    private static String field(Runnable r) {
        try {
            r.run();
            return null;
        } catch (ProblemException e) {
            return e.problem().errors().get(0).field();
        }
    }

    @Test
    void aSensiblePlanPasses() {
        assertThatCode(() -> PlanService.validate("team", plan("Team", 8000, 100, 500, List.of("standard"), 25000)))
                .doesNotThrowAnyException();
    }

    @Test
    void aNameOrDescriptionThatDoesNotPrintIsRefused() {
        assertThat(field(() -> PlanService.validate("team", plan("Team\u2028evil", 8000, 100, 500, List.of(), 0))))
                .isEqualTo("name");
        assertThat(field(() -> PlanService.validate("team", plan("Team\u202e", 8000, 100, 500, List.of(), 0))))
                .isEqualTo("name");
        PlanView ok = plan("Team", 8000, 100, 500, List.of("standard"), 25000);
        PlanView multiLine = new PlanView(ok.id(), ok.name(), "For teams.\r\nUp to 10 workspaces.", ok.active(),
                ok.maxWorkspaces(), ok.cpuRequestMillis(), ok.cpuLimitMillis(), ok.memoryRequestBytes(),
                ok.memoryLimitBytes(), ok.ephemeralStorageBytes(), ok.storageBytes(), ok.maxPods(), ok.maxServices(),
                ok.maxSecrets(), ok.maxConfigmaps(), ok.maxPvcs(), ok.maxReplicationControllers(), ok.maxNodeports(),
                ok.maxLoadbalancers(), ok.maxDeployments(), ok.maxReplicaSets(), ok.maxStatefulSets(),
                ok.maxControllerRevisions(), ok.maxJobs(), ok.maxCronJobs(), ok.maxServiceAccounts(), ok.maxRoles(),
                ok.maxRoleBindings(), ok.maxIngresses(), ok.maxNetworkPolicies(), ok.maxHorizontalPodAutoscalers(),
                ok.maxPodDisruptionBudgets(), ok.extendedResources(), ok.storageClasses(),
                ok.defaultCpuRequestMillis(), ok.defaultCpuLimitMillis(), ok.defaultMemoryRequestBytes(),
                ok.defaultMemoryLimitBytes(), ok.priceCpuCoreHour(), ok.priceMemoryGibHour(),
                ok.priceStorageGibHour(), ok.priceExternalEgressGib(), ok.priceExternalIngressGib(),
                ok.priceInternalGib(), ok.priceNodeportHour(), ok.priceLoadbalancerHour(),
                ok.freeAllowanceMonthly());
        assertThatCode(() -> PlanService.validate("team", multiLine)).doesNotThrowAnyException();
    }

    @Test
    void theIdIsALowercaseDnsLikeName() {
        PlanView ok = plan("Team", 8000, 100, 500, List.of("standard"), 25000);
        assertThat(field(() -> PlanService.validate("Team", ok))).isEqualTo("id");
        assertThat(field(() -> PlanService.validate("9lives", ok))).isEqualTo("id");
        assertThat(field(() -> PlanService.validate("a".repeat(32), ok))).isEqualTo("id");
        assertThat(field(() -> PlanService.validate(null, ok))).isEqualTo("id");
        assertThatThrownBy(() -> PlanService.validate("team", null)).hasMessage("is required");
    }

    @Test
    void theFirstBrokenRuleIsNamed() {
        assertThat(field(() -> PlanService.validate("team", plan(" ", 8000, 100, 500, List.of(), 0)))).isEqualTo(
                "name");
        assertThat(field(() -> PlanService.validate("team", plan("Team", -1, 100, 500, List.of(), 0))))
                .isEqualTo("cpuRequestMillis");
        assertThat(field(() -> PlanService.validate("team", plan("Team", 8000, 100, 500, List.of(), -1))))
                .isEqualTo("priceCpuCoreHour");
        assertThat(field(() -> PlanService.validate("team", plan("Team", 8000, 0, 500, List.of(), 0))))
                .isEqualTo("defaultCpuRequestMillis");
        assertThat(field(() -> PlanService.validate("team", plan("Team", 8000, 200, 100, List.of(), 0))))
                .isEqualTo("defaultCpuLimitMillis");
        assertThat(field(() -> PlanService.validate("team", plan("Team", 8000, 100, 500, List.of("Fast!"), 0))))
                .isEqualTo("storageClasses");
    }

    @Test
    void objectCountsMayNotBeNegative() {
        assertThat(field(() -> PlanService.validate("team",
                plan("Team", 8000, 100, 500, List.of(), 0, -1, Map.of())))).isEqualTo("maxDeployments");
    }

    @Test
    void extendedResourcesAreNamedAsKubernetesNamesThemWithAMaximumOfAtLeastZero() {
        for (String good : List.of("nvidia.com/gpu", "amd.com/gpu", "gpu.intel.com/i915", "hugepages-2Mi",
                "hugepages-1Gi")) {
            assertThat(field(() -> PlanService.validate("team",
                    plan("Team", 8000, 100, 500, List.of(), 0, 50, Map.of(good, 1L))))).as(good).isNull();
        }
        for (String bad : List.of("gpu", "cpu", "memory", "requests.nvidia.com/gpu", "kubernetes.io/gpu",
                "example.kubernetes.io/x", "hugepages-", "hugepages-0Mi", "Nvidia.com/gpu", "nvidia.com/", "/gpu",
                "nvidia.com/gpu,amd.com/gpu", "nvidia.com/gpu\u2028")) {
            assertThat(field(() -> PlanService.validate("team",
                    plan("Team", 8000, 100, 500, List.of(), 0, 50, Map.of(bad, 1L))))).as(bad)
                    .isEqualTo("extendedResources");
        }
        assertThat(field(() -> PlanService.validate("team",
                plan("Team", 8000, 100, 500, List.of(), 0, 50, Map.of("nvidia.com/gpu", -1L)))))
                .isEqualTo("extendedResources");
        assertThat(field(() -> PlanService.validate("team", plan("Team", 8000, 100, 500, List.of(), 0, 50, null))))
                .isEqualTo("extendedResources");
    }
}
