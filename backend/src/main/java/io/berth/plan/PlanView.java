package io.berth.plan;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A plan as the API shows and takes it: quotas (CPU in millicores, sizes in bytes) and prices in micro-units. */
@Schema(description = "A plan: its quotas (CPU in millicores, sizes in bytes) and its prices (integer micro-units of the "
        + "currency, per the unit in the field's name)")
public record PlanView(String id, String name, String description, boolean active, int maxWorkspaces,
        long cpuRequestMillis, long cpuLimitMillis, long memoryRequestBytes, long memoryLimitBytes,
        long ephemeralStorageBytes, long storageBytes, int maxPods, int maxServices, int maxSecrets,
        int maxConfigmaps, int maxPvcs, int maxReplicationControllers, int maxNodeports, int maxLoadbalancers,
        List<String> storageClasses, long defaultCpuRequestMillis, long defaultCpuLimitMillis,
        long defaultMemoryRequestBytes, long defaultMemoryLimitBytes, long priceCpuCoreHour, long priceMemoryGibHour,
        long priceStorageGibHour, long priceExternalEgressGib, long priceExternalIngressGib, long priceInternalGib,
        long priceNodeportHour, long priceLoadbalancerHour, long freeAllowanceMonthly) {

    public static PlanView of(Plan p) {
        return new PlanView(p.id, p.name, p.description, p.active, p.maxWorkspaces, p.cpuRequestMillis,
                p.cpuLimitMillis, p.memoryRequestBytes, p.memoryLimitBytes, p.ephemeralStorageBytes, p.storageBytes,
                p.maxPods, p.maxServices, p.maxSecrets, p.maxConfigmaps, p.maxPvcs, p.maxReplicationControllers,
                p.maxNodeports, p.maxLoadbalancers, List.of(p.storageClasses), p.defaultCpuRequestMillis,
                p.defaultCpuLimitMillis, p.defaultMemoryRequestBytes, p.defaultMemoryLimitBytes, p.priceCpuCoreHour,
                p.priceMemoryGibHour, p.priceStorageGibHour, p.priceExternalEgressGib, p.priceExternalIngressGib,
                p.priceInternalGib, p.priceNodeportHour, p.priceLoadbalancerHour, p.freeAllowanceMonthly);
    }
}
