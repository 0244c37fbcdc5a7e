-- Rating reads every line of one hour: index that. Every index on rating_line is paid for
-- by every line rating writes, so the two that only periodic or per-account queries use go
-- (those queries use rating_line_account_idx or a hash join).
CREATE INDEX rating_line_hour_idx ON rating_line (hour_start);
DROP INDEX rating_line_unstated_idx;
DROP INDEX rating_line_tx_idx;

-- Rating writes tens of thousands of lines an hour, each computed by a join over rows that
-- exist in the same transaction (workspace, owner account, plan, its ledger transaction), and
-- the lines are checked against the ledger by berth_ledger_drift(). Per-row foreign-key
-- checks doubled the run's cost, so lines carry no foreign keys.
ALTER TABLE rating_line
    DROP CONSTRAINT rating_line_workspace_id_fkey,
    DROP CONSTRAINT rating_line_account_id_fkey,
    DROP CONSTRAINT rating_line_plan_id_fkey,
    DROP CONSTRAINT rating_line_transaction_id_fkey;
