-- Usage samples: what the metering agents (one per node) and the cluster-level collector
-- measure, one row per pod or object per sampling window. Windows are half-open
-- [window_start, window_end) in UTC, aligned to the sampling interval (60 s by default),
-- which divides an hour, so a window never crosses an hour boundary. received_at is when
-- the row reached PostgreSQL: billing uses it to find samples that arrive after their hour
-- was rated. Rows are idempotent on their natural key: re-sending a batch adds nothing.

CREATE TABLE pod_usage_sample (
    pod_uid                 uuid        NOT NULL,
    window_start            timestamptz NOT NULL,
    window_end              timestamptz NOT NULL,
    node                    text        NOT NULL,
    namespace               text        NOT NULL,
    pod_name                text        NOT NULL,
    -- CPU time used in the window (cgroup usage), microseconds
    cpu_usage_usec          bigint      NOT NULL DEFAULT 0 CHECK (cpu_usage_usec >= 0),
    -- memory working set (usage minus inactive file), bytes: mean and maximum of the window's reads
    memory_avg_bytes        bigint      NOT NULL DEFAULT 0 CHECK (memory_avg_bytes >= 0),
    memory_max_bytes        bigint      NOT NULL DEFAULT 0 CHECK (memory_max_bytes >= 0),
    -- reservations of the pod (sum over its containers) during the window
    cpu_request_millis      bigint      NOT NULL DEFAULT 0,
    cpu_limit_millis        bigint      NOT NULL DEFAULT 0,
    memory_request_bytes    bigint      NOT NULL DEFAULT 0,
    memory_limit_bytes      bigint      NOT NULL DEFAULT 0,
    io_read_bytes           bigint      NOT NULL DEFAULT 0 CHECK (io_read_bytes >= 0),
    io_write_bytes          bigint      NOT NULL DEFAULT 0 CHECK (io_write_bytes >= 0),
    -- traffic in the window, bytes and packets, by class (internal/external) and direction
    -- (tx: sent by the pod, rx: received by the pod)
    net_internal_tx_bytes   bigint      NOT NULL DEFAULT 0 CHECK (net_internal_tx_bytes >= 0),
    net_internal_rx_bytes   bigint      NOT NULL DEFAULT 0 CHECK (net_internal_rx_bytes >= 0),
    net_external_tx_bytes   bigint      NOT NULL DEFAULT 0 CHECK (net_external_tx_bytes >= 0),
    net_external_rx_bytes   bigint      NOT NULL DEFAULT 0 CHECK (net_external_rx_bytes >= 0),
    net_internal_tx_packets bigint      NOT NULL DEFAULT 0,
    net_internal_rx_packets bigint      NOT NULL DEFAULT 0,
    net_external_tx_packets bigint      NOT NULL DEFAULT 0,
    net_external_rx_packets bigint      NOT NULL DEFAULT 0,
    received_at             timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (pod_uid, window_start),
    CHECK (window_end > window_start)
) PARTITION BY RANGE (window_start);

CREATE INDEX pod_usage_sample_ns_idx ON pod_usage_sample (namespace, window_start);
CREATE INDEX pod_usage_sample_received_idx ON pod_usage_sample (received_at);

-- Usage no node sees, from the elected cluster collector: PersistentVolumeClaims (requested
-- bytes, and used bytes where the storage driver reports them) and Services that hold node
-- ports or load balancers (quantity = number of node ports, or 1 per load balancer).
CREATE TABLE object_usage_sample (
    object_uid      uuid        NOT NULL,
    kind            text        NOT NULL CHECK (kind IN ('pvc', 'nodeport_service', 'loadbalancer_service')),
    window_start    timestamptz NOT NULL,
    window_end      timestamptz NOT NULL,
    namespace       text        NOT NULL,
    name            text        NOT NULL,
    quantity        bigint      NOT NULL CHECK (quantity >= 0),
    used_bytes      bigint,
    storage_class   text,
    received_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (object_uid, kind, window_start),
    CHECK (window_end > window_start)
) PARTITION BY RANGE (window_start);

CREATE INDEX object_usage_sample_ns_idx ON object_usage_sample (namespace, window_start);
CREATE INDEX object_usage_sample_received_idx ON object_usage_sample (received_at);

-- Daily partitions, made ahead of time by whoever writes or maintains samples (the backend
-- every hour, the agent at start); the default partitions catch anything outside them so a
-- missing partition never loses a sample.
CREATE TABLE pod_usage_sample_default PARTITION OF pod_usage_sample DEFAULT;
CREATE TABLE object_usage_sample_default PARTITION OF object_usage_sample DEFAULT;

CREATE FUNCTION berth_ensure_sample_partitions(from_day date, days int) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    d date;
    t text;
BEGIN
    FOR i IN 0 .. days - 1 LOOP
        d := from_day + i;
        FOREACH t IN ARRAY ARRAY['pod_usage_sample', 'object_usage_sample'] LOOP
            IF to_regclass(format('%s_%s', t, to_char(d, 'YYYYMMDD'))) IS NULL THEN
                BEGIN
                    EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
                                   format('%s_%s', t, to_char(d, 'YYYYMMDD')), t,
                                   (d::timestamp AT TIME ZONE 'UTC'), ((d + 1)::timestamp AT TIME ZONE 'UTC'));
                EXCEPTION
                    WHEN duplicate_table THEN
                        NULL; -- another writer made it first
                    WHEN check_violation THEN
                        -- the default partition already holds rows of that day; they stay there
                        RAISE NOTICE 'partition of % for % not made: rows in the default partition', t, d;
                END;
            END IF;
        END LOOP;
    END LOOP;
END;
$$;

SELECT berth_ensure_sample_partitions((now() AT TIME ZONE 'UTC')::date - 1, 9);
