package io.berth.plan;

import java.time.OffsetDateTime;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A plan: the quotas a workspace gets and how many workspaces an account may own. CPU in millicores, sizes in bytes. */
@Entity
@Table(name = "plan")
public class Plan extends PanacheEntityBase {

    @Id
    public String id;
    public String name;
    public String description;
    public boolean active;
    @Column(name = "max_workspaces")
    public int maxWorkspaces;
    @Column(name = "cpu_request_millis")
    public long cpuRequestMillis;
    @Column(name = "cpu_limit_millis")
    public long cpuLimitMillis;
    @Column(name = "memory_request_bytes")
    public long memoryRequestBytes;
    @Column(name = "memory_limit_bytes")
    public long memoryLimitBytes;
    @Column(name = "ephemeral_storage_bytes")
    public long ephemeralStorageBytes;
    @Column(name = "storage_bytes")
    public long storageBytes;
    @Column(name = "max_pods")
    public int maxPods;
    @Column(name = "max_services")
    public int maxServices;
    @Column(name = "max_secrets")
    public int maxSecrets;
    @Column(name = "max_configmaps")
    public int maxConfigmaps;
    @Column(name = "max_pvcs")
    public int maxPvcs;
    @Column(name = "max_replication_controllers")
    public int maxReplicationControllers;
    @Column(name = "max_nodeports")
    public int maxNodeports;
    @Column(name = "max_loadbalancers")
    public int maxLoadbalancers;
    @Column(name = "max_deployments")
    public int maxDeployments;
    @Column(name = "max_replica_sets")
    public int maxReplicaSets;
    @Column(name = "max_stateful_sets")
    public int maxStatefulSets;
    @Column(name = "max_controller_revisions")
    public int maxControllerRevisions;
    @Column(name = "max_jobs")
    public int maxJobs;
    @Column(name = "max_cron_jobs")
    public int maxCronJobs;
    @Column(name = "max_service_accounts")
    public int maxServiceAccounts;
    @Column(name = "max_roles")
    public int maxRoles;
    @Column(name = "max_role_bindings")
    public int maxRoleBindings;
    @Column(name = "max_ingresses")
    public int maxIngresses;
    @Column(name = "max_network_policies")
    public int maxNetworkPolicies;
    @Column(name = "max_horizontal_pod_autoscalers")
    public int maxHorizontalPodAutoscalers;
    @Column(name = "max_pod_disruption_budgets")
    public int maxPodDisruptionBudgets;
    /** Extended resources the plan offers (nvidia.com/gpu, hugepages-2Mi, ...), paired with their maxima. */
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "extended_resources")
    public String[] extendedResources;
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "extended_resource_limits")
    public Long[] extendedResourceLimits;
    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "storage_classes")
    public String[] storageClasses;
    @Column(name = "default_cpu_request_millis")
    public long defaultCpuRequestMillis;
    @Column(name = "default_cpu_limit_millis")
    public long defaultCpuLimitMillis;
    @Column(name = "default_memory_request_bytes")
    public long defaultMemoryRequestBytes;
    @Column(name = "default_memory_limit_bytes")
    public long defaultMemoryLimitBytes;
    @Column(name = "price_cpu_core_hour")
    public long priceCpuCoreHour;
    @Column(name = "price_memory_gib_hour")
    public long priceMemoryGibHour;
    @Column(name = "price_storage_gib_hour")
    public long priceStorageGibHour;
    @Column(name = "price_external_egress_gib")
    public long priceExternalEgressGib;
    @Column(name = "price_external_ingress_gib")
    public long priceExternalIngressGib;
    @Column(name = "price_internal_gib")
    public long priceInternalGib;
    @Column(name = "price_nodeport_hour")
    public long priceNodeportHour;
    @Column(name = "price_loadbalancer_hour")
    public long priceLoadbalancerHour;
    @Column(name = "free_allowance_monthly")
    public long freeAllowanceMonthly;
    @Column(name = "created_at", insertable = false, updatable = false)
    public OffsetDateTime createdAt;
    @Column(name = "updated_at")
    public OffsetDateTime updatedAt;
}
