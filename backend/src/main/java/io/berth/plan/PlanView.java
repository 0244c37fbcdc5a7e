package io.berth.plan;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A plan as the API shows and takes it: quotas (CPU in millicores, sizes in bytes, counts of objects per kind) and
 * prices in micro-units.
 */
@Schema(description = "A plan: its quotas (CPU in millicores, sizes in bytes, objects per kind, extended resources such "
        + "as GPUs by name) and its prices (integer micro-units of the currency, per the unit in the field's name)")
public record PlanView(String id, String name, String description, boolean active, int maxWorkspaces,
        long cpuRequestMillis, long cpuLimitMillis, long memoryRequestBytes, long memoryLimitBytes,
        long ephemeralStorageBytes, long storageBytes, int maxPods, int maxServices, int maxSecrets,
        int maxConfigmaps, int maxPvcs, int maxReplicationControllers, int maxNodeports, int maxLoadbalancers,
        int maxDeployments, int maxReplicaSets, int maxStatefulSets, int maxControllerRevisions, int maxJobs,
        int maxCronJobs, int maxServiceAccounts, int maxRoles, int maxRoleBindings, int maxIngresses,
        int maxNetworkPolicies, int maxHorizontalPodAutoscalers, int maxPodDisruptionBudgets,
        @Schema(description = "Extended resources the plan offers and the most a workspace may request of each: a "
                + "count (nvidia.com/gpu), bytes for hugepages (hugepages-2Mi); pods may ask for no other") Map<String, Long> extendedResources,
        List<String> storageClasses, long defaultCpuRequestMillis, long defaultCpuLimitMillis,
        long defaultMemoryRequestBytes, long defaultMemoryLimitBytes, long priceCpuCoreHour, long priceMemoryGibHour,
        long priceStorageGibHour, long priceExternalEgressGib, long priceExternalIngressGib, long priceInternalGib,
        long priceNodeportHour, long priceLoadbalancerHour, long freeAllowanceMonthly) {

    public static PlanView of(Plan p) {
        Map<String, Long> extended = new TreeMap<>();
        for (int i = 0; i < p.extendedResources.length; i++) {
            extended.put(p.extendedResources[i], p.extendedResourceLimits[i]);
        }
        return new PlanView(p.id, p.name, p.description, p.active, p.maxWorkspaces, p.cpuRequestMillis,
                p.cpuLimitMillis, p.memoryRequestBytes, p.memoryLimitBytes, p.ephemeralStorageBytes, p.storageBytes,
                p.maxPods, p.maxServices, p.maxSecrets, p.maxConfigmaps, p.maxPvcs, p.maxReplicationControllers,
                p.maxNodeports, p.maxLoadbalancers, p.maxDeployments, p.maxReplicaSets, p.maxStatefulSets,
                p.maxControllerRevisions, p.maxJobs, p.maxCronJobs, p.maxServiceAccounts, p.maxRoles,
                p.maxRoleBindings, p.maxIngresses, p.maxNetworkPolicies, p.maxHorizontalPodAutoscalers,
                p.maxPodDisruptionBudgets, extended, List.of(p.storageClasses), p.defaultCpuRequestMillis,
                p.defaultCpuLimitMillis, p.defaultMemoryRequestBytes, p.defaultMemoryLimitBytes, p.priceCpuCoreHour,
                p.priceMemoryGibHour, p.priceStorageGibHour, p.priceExternalEgressGib, p.priceExternalIngressGib,
                p.priceInternalGib, p.priceNodeportHour, p.priceLoadbalancerHour, p.freeAllowanceMonthly);
    }
}
