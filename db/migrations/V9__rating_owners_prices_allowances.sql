-- Rating across changes of a workspace's owner and of prices, allowance credits by the
-- hour they paid for, and two more ledger checks.

-- --- who owned a workspace when -------------------------------------------------------
-- One row per change of a workspace's owner (account_id NULL: it has none), stamped after
-- the change took every shard's lock (below), so it orders exactly against rating, which
-- stamps each line after reading the owner under its shard's lock. berth_ledger_drift()
-- checks every rating line against it.
CREATE TABLE workspace_owner_history (
    id           bigserial   PRIMARY KEY,
    workspace_id uuid        NOT NULL,
    account_id   uuid,
    since        timestamptz NOT NULL
);
CREATE INDEX workspace_owner_history_idx ON workspace_owner_history (workspace_id, since);

-- History starts now: lines rated before it are not checked against an owner (a workspace
-- that changed hands earlier has lines of its former owner that nothing here can tell from
-- wrong ones).
INSERT INTO workspace_owner_history (workspace_id, account_id, since)
SELECT workspace_id, account_id, now() FROM workspace_member WHERE role = 'owner';

-- A change of owner first takes the advisory lock of every rating shard, in shard order
-- (Rating.SHARD_LOCK + 0 .. 7; the same order everywhere, so two changes never deadlock).
-- A shard's rating transaction reads the owners of its workspaces under that shard's lock,
-- so no owner changes between the read and its commit: it charges the owner it read, and a
-- workspace whose owner moved it to another shard is handed to that shard. A first owner
-- (a new workspace) takes no lock: no run can have staged a workspace that had no owner.
CREATE FUNCTION berth_workspace_owner_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    was_owner boolean := false;
    is_owner  boolean := false;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        was_owner := OLD.role = 'owner';
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        is_owner := NEW.role = 'owner';
    END IF;
    IF NOT (was_owner OR is_owner) THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF OLD.role = NEW.role AND OLD.workspace_id = NEW.workspace_id AND OLD.account_id = NEW.account_id THEN
            RETURN NULL;
        END IF;
    END IF;
    IF TG_OP <> 'INSERT' THEN
        FOR k IN 0 .. 7 LOOP
            PERFORM pg_advisory_xact_lock(108187851450384 + k);
        END LOOP;
    END IF;
    IF was_owner AND NOT (is_owner AND NEW.workspace_id = OLD.workspace_id) THEN
        INSERT INTO workspace_owner_history (workspace_id, account_id, since)
        VALUES (OLD.workspace_id, NULL, clock_timestamp());
    END IF;
    IF is_owner THEN
        INSERT INTO workspace_owner_history (workspace_id, account_id, since)
        VALUES (NEW.workspace_id, NEW.account_id, clock_timestamp());
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER workspace_owner_change AFTER INSERT OR UPDATE OR DELETE ON workspace_member
    FOR EACH ROW EXECUTE FUNCTION berth_workspace_owner_change();

-- --- the prices of an hour ------------------------------------------------------------
-- Every plan's prices as they stood when the hour was first rated (copied by each run that
-- stages the hour, the first copy kept). Every line of the hour, first rating or later
-- adjustment, is priced from here, so a price change never re-prices an hour that was
-- rated, in part or whole. Hours rated before this migration get their copy when they are
-- next rated; their existing lines keep their own first price.
CREATE TABLE rating_price (
    plan_id                    text        NOT NULL,
    hour_start                 timestamptz NOT NULL,
    price_cpu_core_hour        bigint      NOT NULL,
    price_memory_gib_hour      bigint      NOT NULL,
    price_storage_gib_hour     bigint      NOT NULL,
    price_external_egress_gib  bigint      NOT NULL,
    price_external_ingress_gib bigint      NOT NULL,
    price_internal_gib         bigint      NOT NULL,
    price_nodeport_hour        bigint      NOT NULL,
    price_loadbalancer_hour    bigint      NOT NULL,
    copied_at                  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (plan_id, hour_start)
);

-- --- allowance credits by the hour they paid for --------------------------------------
-- A free-allowance credit pays for the charges of one rating run, which rates one hour; the
-- statement that lists that hour's lines lists the credit (not the month it was created in).
CREATE TABLE allowance_credit (
    transaction_id uuid        PRIMARY KEY REFERENCES ledger_transaction (id),
    account_id     uuid        NOT NULL,
    -- the account's local month of hour_start, whose allowance it used
    month          text        NOT NULL,
    hour_start     timestamptz NOT NULL
);
CREATE INDEX allowance_credit_month_idx ON allowance_credit (account_id, month);
CREATE INDEX allowance_credit_hour_idx ON allowance_credit (account_id, hour_start);

-- Existing credits: their keys are allowance:<account>:<month>:<run>, and the charges of the
-- same run and account, charge:<workspace>:<YYYY-MM-DDTHH>:<run>, name its hour. (A credit
-- with no such charge, which rating never writes, keeps the hour it was created in.)
INSERT INTO allowance_credit (transaction_id, account_id, month, hour_start)
SELECT a.id, a.account_id, split_part(a.idem_key, ':', 3),
       coalesce(ch.hour, date_trunc('hour', a.created_at))
FROM ledger_transaction a
LEFT JOIN (SELECT account_id, split_part(idem_key, ':', 4) AS run,
                  min((split_part(idem_key, ':', 3) || ':00:00+00')::timestamptz) AS hour
           FROM ledger_transaction
           WHERE kind = 'charge' AND split_part(idem_key, ':', 3) ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}$'
           GROUP BY 1, 2) ch ON ch.account_id = a.account_id AND ch.run = split_part(a.idem_key, ':', 4)
WHERE a.kind = 'free_allowance';

-- --- the ledger check -----------------------------------------------------------------
-- Two more invariants, line by line, where the others only see each line's total over its
-- revisions (which stays right when money lands on the wrong account): every rating line is
-- on the account that owned its workspace when the line was rated, and no account is
-- credited for a line more than it was charged for it.
CREATE OR REPLACE FUNCTION berth_ledger_drift() RETURNS TABLE (problem text, subject text, expected bigint, actual bigint)
LANGUAGE sql STABLE AS $$
    SELECT 'unbalanced transaction', t.id::text, 0::bigint, sum(e.amount_micro)::bigint
    FROM ledger_transaction t JOIN ledger_entry e ON e.transaction_id = t.id
    GROUP BY t.id HAVING sum(e.amount_micro) <> 0
    UNION ALL
    SELECT 'balance differs from ledger', a.id::text, coalesce(l.total, 0)::bigint, coalesce(b.balance_micro, 0)
    FROM account a
    LEFT JOIN account_balance b ON b.account_id = a.id
    LEFT JOIN (SELECT account_id, sum(amount_micro) AS total FROM ledger_entry
               WHERE account_id IS NOT NULL GROUP BY account_id) l ON l.account_id = a.id
    WHERE coalesce(l.total, 0) <> coalesce(b.balance_micro, 0)
    UNION ALL
    SELECT 'rating line without its charge', r.workspace_id || ' ' || r.hour_start || ' ' || r.line, r.amount_micro, 0
    FROM rating_line r WHERE r.amount_micro <> 0 AND r.transaction_id IS NULL
    UNION ALL
    SELECT 'charge differs from its rating lines', t.id::text, coalesce(-sum(r.amount_micro), 0)::bigint,
           (SELECT coalesce(sum(e.amount_micro), 0) FROM ledger_entry e
            WHERE e.transaction_id = t.id AND e.account_id IS NOT NULL)::bigint
    FROM ledger_transaction t LEFT JOIN rating_line r ON r.transaction_id = t.id
    WHERE t.kind = 'charge'
    GROUP BY t.id
    HAVING coalesce(-sum(r.amount_micro), 0) <> (SELECT coalesce(sum(e.amount_micro), 0) FROM ledger_entry e
                                                 WHERE e.transaction_id = t.id AND e.account_id IS NOT NULL)
    UNION ALL
    SELECT 'rating line on an account that did not own the workspace',
           r.workspace_id || ' ' || r.hour_start || ' ' || r.line || ' revision ' || r.revision || ' on '
               || r.account_id || ', owner ' || coalesce(o.account_id::text, 'none'),
           0::bigint, r.amount_micro
    FROM rating_line r
    JOIN (SELECT workspace_id, account_id, since,
                 lead(since, 1, 'infinity') OVER (PARTITION BY workspace_id ORDER BY since, id) AS until
          FROM workspace_owner_history) o
      ON o.workspace_id = r.workspace_id AND r.rated_at >= o.since AND r.rated_at < o.until
    WHERE o.account_id IS DISTINCT FROM r.account_id
    UNION ALL
    SELECT 'credit beyond what the account was charged for the line',
           r.workspace_id || ' ' || r.hour_start || ' ' || r.line || ' on ' || r.account_id,
           0::bigint, sum(r.amount_micro)::bigint
    FROM rating_line r
    WHERE (r.workspace_id, r.hour_start, r.line) IN (SELECT workspace_id, hour_start, line FROM rating_line
                                                     WHERE amount_micro < 0)
    GROUP BY r.workspace_id, r.hour_start, r.line, r.account_id
    HAVING sum(r.amount_micro) < 0
$$;
