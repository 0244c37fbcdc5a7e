-- Every index on the sample tables is paid for by every row the agents write, so they keep
-- only what a reader needs (measured with COPY of 500,000 pod samples: 48k rows/s with the
-- indexes below, 88k rows/s without them, text format; docs/benchmarks.md).
--
-- (namespace, window_start): nothing reads samples by namespace. Rating aggregates a whole
-- hour; the console and API read rating lines.
DROP INDEX pod_usage_sample_ns_idx;
DROP INDEX object_usage_sample_ns_idx;

-- received_at is when a row arrived, so it grows with the table's physical order: a BRIN
-- index finds the late samples billing looks for, at almost no cost per row.
DROP INDEX pod_usage_sample_received_idx;
DROP INDEX object_usage_sample_received_idx;
CREATE INDEX pod_usage_sample_received_brin ON pod_usage_sample USING brin (received_at);
CREATE INDEX object_usage_sample_received_brin ON object_usage_sample USING brin (received_at);

-- The natural key, window first: a batch's rows land at the right-hand edge of the index
-- (the newest windows) instead of all over it, and the key also finds an hour's rows for
-- rating, which makes the BRIN index on window_start (V7) redundant.
ALTER TABLE pod_usage_sample
    DROP CONSTRAINT pod_usage_sample_pkey,
    ADD PRIMARY KEY (window_start, pod_uid);
ALTER TABLE object_usage_sample
    DROP CONSTRAINT object_usage_sample_pkey,
    ADD PRIMARY KEY (window_start, object_uid, kind);
DROP INDEX pod_usage_sample_window_brin;
DROP INDEX object_usage_sample_window_brin;
