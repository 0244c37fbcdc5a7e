-- Rating reads one hour out of a day partition. Samples arrive in time order, so a BRIN
-- index on window_start finds the hour's blocks for almost no cost on ingest; without it,
-- each hourly run scanned the whole day so far.
CREATE INDEX pod_usage_sample_window_brin ON pod_usage_sample USING brin (window_start);
CREATE INDEX object_usage_sample_window_brin ON object_usage_sample USING brin (window_start);

-- The ledger's references are checked once per statement instead of once per row. A rating
-- run writes hundreds of thousands of entries; the per-row foreign-key triggers locked the
-- referenced account row for every entry and made up a third of the run. The guarantees stay:
-- an entry names an existing transaction and account, a transaction an existing account
-- (checked after each INSERT statement over all its rows), ledger rows are never updated or
-- deleted (berth_ledger_immutable), and an account with ledger rows cannot be deleted or
-- renumbered (below).
ALTER TABLE ledger_entry
    DROP CONSTRAINT ledger_entry_transaction_id_fkey,
    DROP CONSTRAINT ledger_entry_account_id_fkey;
ALTER TABLE ledger_transaction
    DROP CONSTRAINT ledger_transaction_account_id_fkey;

CREATE OR REPLACE FUNCTION berth_ledger_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad uuid;
BEGIN
    SELECT i.transaction_id INTO bad
    FROM inserted i
    WHERE NOT EXISTS (SELECT 1 FROM ledger_transaction t WHERE t.id = i.transaction_id)
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'ledger entry names transaction % which does not exist', bad
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    SELECT i.account_id INTO bad
    FROM inserted i
    WHERE i.account_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM account a WHERE a.id = i.account_id)
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'ledger entry names account % which does not exist', bad
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    SELECT e.transaction_id INTO bad
    FROM ledger_entry e
    WHERE e.transaction_id IN (SELECT DISTINCT transaction_id FROM inserted)
    GROUP BY e.transaction_id
    HAVING sum(e.amount_micro) <> 0
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'ledger transaction % does not balance', bad USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$;

CREATE FUNCTION berth_ledger_transaction_account() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad uuid;
BEGIN
    SELECT i.account_id INTO bad
    FROM inserted i
    WHERE NOT EXISTS (SELECT 1 FROM account a WHERE a.id = i.account_id)
    LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'ledger transaction names account % which does not exist', bad
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER ledger_transaction_account AFTER INSERT ON ledger_transaction
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION berth_ledger_transaction_account();

-- Deleting (or renumbering) an account first waits for every ledger write in flight (SHARE
-- conflicts with their ROW EXCLUSIVE lock), so it sees them; a ledger write that starts
-- after it waits for it, and its statement check then finds the account gone.
CREATE FUNCTION berth_account_keeps_ledger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.id = OLD.id THEN
        RETURN NEW;
    END IF;
    LOCK TABLE ledger_transaction, ledger_entry IN SHARE MODE;
    IF EXISTS (SELECT 1 FROM ledger_transaction WHERE account_id = OLD.id)
        OR EXISTS (SELECT 1 FROM ledger_entry WHERE account_id = OLD.id) THEN
        RAISE EXCEPTION 'account % has ledger history and cannot be % (the ledger is append-only)', OLD.id,
            CASE TG_OP WHEN 'DELETE' THEN 'deleted' ELSE 'renumbered' END
            USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN CASE TG_OP WHEN 'DELETE' THEN OLD ELSE NEW END;
END;
$$;
CREATE TRIGGER account_keeps_ledger BEFORE DELETE OR UPDATE OF id ON account
    FOR EACH ROW EXECUTE FUNCTION berth_account_keeps_ledger();

-- A rating run aggregates the hour's samples once into this table, then rates its shards
-- (disjoint sets of owner accounts) in parallel transactions that read from it. It is a work
-- table: unlogged (a crash empties it, and a run that crashed is simply run again) and
-- emptied by the run that filled it.
CREATE UNLOGGED TABLE rating_usage (
    run_id       uuid        NOT NULL,
    shard        int         NOT NULL,
    workspace_id uuid        NOT NULL,
    plan_id      text        NOT NULL,
    account_id   uuid        NOT NULL,
    line         text        NOT NULL,
    quantity     numeric     NOT NULL,
    staged_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX rating_usage_run_idx ON rating_usage (run_id, shard);
