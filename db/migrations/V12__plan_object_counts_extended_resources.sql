-- Plans bound what a workspace's quota left open (issue 12, item 7):
--
-- Object counts of every kind a workspace may create, each object up to 1.5 MB in etcd, which all
-- tenants share. The defaults suit Kubernetes' own defaults: 11 ReplicaSets per Deployment and 11
-- ControllerRevisions per StatefulSet (revisionHistoryLimit 10 plus the current one), 5 Jobs per
-- CronJob (history 3 + 1, plus one running). The quota adds what the platform itself keeps there
-- (its NetworkPolicies, the members' RoleBindings, the default ServiceAccount).
--
-- Extended resources (GPUs such as nvidia.com/gpu, hugepages-2Mi, ...): a plan lists the ones it
-- offers with a maximum each (a count; bytes for hugepages); pods may ask for no other (the
-- admission guard berth-pod-guard), and the quota bounds these.
ALTER TABLE plan
    ADD COLUMN max_deployments                int NOT NULL DEFAULT 10  CHECK (max_deployments >= 0),
    ADD COLUMN max_replica_sets               int NOT NULL DEFAULT 110 CHECK (max_replica_sets >= 0),
    ADD COLUMN max_stateful_sets              int NOT NULL DEFAULT 5   CHECK (max_stateful_sets >= 0),
    ADD COLUMN max_controller_revisions       int NOT NULL DEFAULT 55  CHECK (max_controller_revisions >= 0),
    ADD COLUMN max_jobs                       int NOT NULL DEFAULT 30  CHECK (max_jobs >= 0),
    ADD COLUMN max_cron_jobs                  int NOT NULL DEFAULT 5   CHECK (max_cron_jobs >= 0),
    ADD COLUMN max_service_accounts           int NOT NULL DEFAULT 10  CHECK (max_service_accounts >= 0),
    ADD COLUMN max_roles                      int NOT NULL DEFAULT 10  CHECK (max_roles >= 0),
    ADD COLUMN max_role_bindings              int NOT NULL DEFAULT 10  CHECK (max_role_bindings >= 0),
    ADD COLUMN max_ingresses                  int NOT NULL DEFAULT 5   CHECK (max_ingresses >= 0),
    ADD COLUMN max_network_policies           int NOT NULL DEFAULT 10  CHECK (max_network_policies >= 0),
    ADD COLUMN max_horizontal_pod_autoscalers int NOT NULL DEFAULT 10  CHECK (max_horizontal_pod_autoscalers >= 0),
    ADD COLUMN max_pod_disruption_budgets     int NOT NULL DEFAULT 10  CHECK (max_pod_disruption_budgets >= 0),
    -- Names and maxima side by side: extended_resources[i] may be asked for up to extended_resource_limits[i].
    ADD COLUMN extended_resources             text[]   NOT NULL DEFAULT '{}',
    ADD COLUMN extended_resource_limits       bigint[] NOT NULL DEFAULT '{}',
    ADD CONSTRAINT plan_extended_resources_paired
        CHECK (cardinality(extended_resources) = cardinality(extended_resource_limits)
               AND 0 <= ALL (extended_resource_limits)
               AND array_position(extended_resource_limits, NULL) IS NULL
               AND array_position(extended_resources, NULL) IS NULL);
