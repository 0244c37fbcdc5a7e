-- Bytes through the gateway (edge traffic): what the metering agent on each node reads from the gateway pod on its
-- node (Traefik's per-service counters of request and response bodies), one row per workspace namespace, gateway
-- pod and window. bytes_in: bodies clients sent to the workspace's services; bytes_out: bodies those services sent
-- back to clients. Both are billed as external traffic (ingress and egress). The agents' own counts of the same
-- bytes are internal: between the gateway pod and a workspace's pods they never leave the cluster (docs/billing.md).
-- Windows are those of pod_usage_sample, committed with them in the same spool segment; idempotent on the natural
-- key, so a re-sent segment adds nothing. A few rows per workspace and window, not one per pod: not partitioned.
CREATE TABLE edge_usage_sample (
    window_start    timestamptz NOT NULL,
    window_end      timestamptz NOT NULL,
    node            text        NOT NULL,
    gateway_pod_uid uuid        NOT NULL,
    namespace       text        NOT NULL,
    bytes_in        bigint      NOT NULL CHECK (bytes_in >= 0),
    bytes_out       bigint      NOT NULL CHECK (bytes_out >= 0),
    received_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (window_start, node, gateway_pod_uid, namespace),
    CHECK (window_end > window_start)
);

CREATE INDEX edge_usage_sample_received_brin ON edge_usage_sample USING brin (received_at);
