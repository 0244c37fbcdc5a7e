-- Billing: prices on plans, a double-entry ledger with derived balances, hourly rating
-- lines, vouchers, top-up events, the debt lifecycle and monthly statements.
-- Money is integer micro-units (1 unit = 1,000,000) of one currency (berth.billing.currency);
-- there is no floating point anywhere on a money path.

-- Prices per plan, in micro-units per unit named in the column.
ALTER TABLE plan
    ADD COLUMN price_cpu_core_hour        bigint NOT NULL DEFAULT 0 CHECK (price_cpu_core_hour >= 0),
    ADD COLUMN price_memory_gib_hour      bigint NOT NULL DEFAULT 0 CHECK (price_memory_gib_hour >= 0),
    ADD COLUMN price_storage_gib_hour     bigint NOT NULL DEFAULT 0 CHECK (price_storage_gib_hour >= 0),
    ADD COLUMN price_external_egress_gib  bigint NOT NULL DEFAULT 0 CHECK (price_external_egress_gib >= 0),
    ADD COLUMN price_external_ingress_gib bigint NOT NULL DEFAULT 0 CHECK (price_external_ingress_gib >= 0),
    ADD COLUMN price_internal_gib         bigint NOT NULL DEFAULT 0 CHECK (price_internal_gib >= 0),
    ADD COLUMN price_nodeport_hour        bigint NOT NULL DEFAULT 0 CHECK (price_nodeport_hour >= 0),
    ADD COLUMN price_loadbalancer_hour    bigint NOT NULL DEFAULT 0 CHECK (price_loadbalancer_hour >= 0),
    ADD COLUMN free_allowance_monthly     bigint NOT NULL DEFAULT 0 CHECK (free_allowance_monthly >= 0);

-- The free plan's list prices (the unit is whatever currency the platform is configured for).
UPDATE plan SET price_cpu_core_hour = 30000, price_memory_gib_hour = 4000, price_storage_gib_hour = 100,
                price_external_egress_gib = 90000, price_external_ingress_gib = 0, price_internal_gib = 0,
                price_nodeport_hour = 2000, price_loadbalancer_hour = 25000
WHERE id = 'free';

-- Accounts bill in their own time zone (statements, daily views); rating is by UTC hour.
ALTER TABLE account ADD COLUMN timezone text NOT NULL DEFAULT 'UTC';
-- Debt: suspended = the desired state (workloads at zero, quota zero), workloads_suspended =
-- what the reconciler last made the cluster hold, purge_requested = workloads and volumes are
-- to be deleted (after the final grace period).
ALTER TABLE workspace
    ADD COLUMN suspended           boolean NOT NULL DEFAULT false,
    ADD COLUMN workloads_suspended boolean NOT NULL DEFAULT false,
    ADD COLUMN purge_requested     boolean NOT NULL DEFAULT false;

-- --- the ledger -----------------------------------------------------------------------
-- Every movement of money is a transaction of entries that sum to zero. An entry belongs
-- either to a customer account or to one of the platform's own ledger accounts.
CREATE TABLE ledger_transaction (
    id          uuid        PRIMARY KEY,
    kind        text        NOT NULL CHECK (kind IN ('charge', 'topup', 'credit', 'refund', 'adjustment',
                                                      'signup_credit', 'voucher', 'free_allowance')),
    account_id  uuid        NOT NULL REFERENCES account (id),
    idem_key    text        NOT NULL UNIQUE,
    description text        NOT NULL,
    reason      text,
    created_by  uuid        REFERENCES account (id),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_transaction_account_idx ON ledger_transaction (account_id, created_at);

CREATE TABLE ledger_entry (
    id             bigserial   PRIMARY KEY,
    transaction_id uuid        NOT NULL REFERENCES ledger_transaction (id),
    account_id     uuid        REFERENCES account (id),
    system_account text        CHECK (system_account IN ('revenue', 'payments', 'promotions', 'adjustments')),
    amount_micro   bigint      NOT NULL CHECK (amount_micro <> 0),
    CHECK ((account_id IS NULL) <> (system_account IS NULL))
);
CREATE INDEX ledger_entry_tx_idx ON ledger_entry (transaction_id);
CREATE INDEX ledger_entry_account_idx ON ledger_entry (account_id) WHERE account_id IS NOT NULL;

-- A transaction whose entries do not sum to zero is refused. The Ledger writes all legs of a
-- transaction in one INSERT statement, so a statement-level check (one query per statement,
-- however many transactions it holds) sees each transaction whole.
CREATE FUNCTION berth_ledger_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    unbalanced uuid;
BEGIN
    SELECT e.transaction_id INTO unbalanced
    FROM ledger_entry e
    WHERE e.transaction_id IN (SELECT DISTINCT transaction_id FROM inserted)
    GROUP BY e.transaction_id
    HAVING sum(e.amount_micro) <> 0
    LIMIT 1;
    IF unbalanced IS NOT NULL THEN
        RAISE EXCEPTION 'ledger transaction % does not balance', unbalanced USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER ledger_entry_balanced AFTER INSERT ON ledger_entry
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION berth_ledger_balanced();

-- The ledger is append-only.
CREATE FUNCTION berth_ledger_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME USING ERRCODE = 'check_violation';
END;
$$;
CREATE TRIGGER ledger_entry_append_only BEFORE UPDATE OR DELETE ON ledger_entry
    FOR EACH STATEMENT EXECUTE FUNCTION berth_ledger_immutable();
CREATE TRIGGER ledger_transaction_append_only BEFORE UPDATE OR DELETE ON ledger_transaction
    FOR EACH STATEMENT EXECUTE FUNCTION berth_ledger_immutable();

-- Customer balances: derived from the ledger in the same transaction as each entry, and
-- checked against it by berth_ledger_drift().
CREATE TABLE account_balance (
    account_id    uuid        PRIMARY KEY REFERENCES account (id),
    balance_micro bigint      NOT NULL DEFAULT 0,
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- --- rating ---------------------------------------------------------------------------
-- One row per (workspace, UTC hour, line, revision). Revision 1 is the hour's first rating;
-- later revisions are adjustments for samples that arrived after it. The unique key makes
-- re-running an hour, or two runs at once, charge nothing twice. amount_micro of all
-- revisions of a line sums to round(total quantity × price): one rounding per line.
CREATE TABLE rating_line (
    workspace_id     uuid        NOT NULL REFERENCES workspace (id),
    hour_start       timestamptz NOT NULL CHECK (date_trunc('hour', hour_start) = hour_start),
    line             text        NOT NULL CHECK (line IN ('cpu', 'memory', 'storage', 'external_egress',
                                                          'external_ingress', 'internal_traffic', 'nodeport',
                                                          'loadbalancer')),
    revision         int         NOT NULL CHECK (revision >= 1),
    account_id       uuid        NOT NULL REFERENCES account (id),
    plan_id          text        NOT NULL REFERENCES plan (id),
    quantity         numeric     NOT NULL,
    unit             text        NOT NULL,
    unit_price_micro bigint      NOT NULL,
    amount_micro     bigint      NOT NULL,
    transaction_id   uuid        REFERENCES ledger_transaction (id),
    rated_at         timestamptz NOT NULL DEFAULT now(),
    -- the statement that lists this line; every line appears on exactly one statement (a late
    -- adjustment of an earlier month appears on the next one)
    statement_id     uuid,
    PRIMARY KEY (workspace_id, hour_start, line, revision)
);
CREATE INDEX rating_line_unstated_idx ON rating_line (account_id, hour_start) WHERE statement_id IS NULL;
CREATE INDEX rating_line_account_idx ON rating_line (account_id, hour_start);
CREATE INDEX rating_line_tx_idx ON rating_line (transaction_id);

-- Progress of the hourly job: every closed hour up to last_hour is rated; late samples are
-- found by received_at > samples_seen_until.
CREATE TABLE billing_cursor (
    id                 int         PRIMARY KEY CHECK (id = 1),
    last_hour          timestamptz,
    samples_seen_until timestamptz NOT NULL DEFAULT '-infinity',
    updated_at         timestamptz NOT NULL DEFAULT now()
);
INSERT INTO billing_cursor (id) VALUES (1);

-- --- money in -------------------------------------------------------------------------
CREATE TABLE voucher_batch (
    id                   uuid        PRIMARY KEY,
    name                 text        NOT NULL,
    amount_micro         bigint      NOT NULL CHECK (amount_micro > 0),
    expires_at           timestamptz NOT NULL,
    per_account_limit    int         NOT NULL DEFAULT 1 CHECK (per_account_limit >= 1),
    created_by           uuid        NOT NULL REFERENCES account (id),
    created_at           timestamptz NOT NULL DEFAULT now()
);

-- Codes are stored only as SHA-256; the batch's creator sees them once.
CREATE TABLE voucher (
    id          uuid        PRIMARY KEY,
    batch_id    uuid        NOT NULL REFERENCES voucher_batch (id),
    code_sha256 bytea       NOT NULL UNIQUE,
    redeemed_by uuid        REFERENCES account (id),
    redeemed_at timestamptz
);
CREATE INDEX voucher_batch_idx ON voucher (batch_id, redeemed_by);

-- Top-up events from the payment provider, by event id: a replay changes nothing.
CREATE TABLE topup_event (
    event_id       text        PRIMARY KEY,
    account_id     uuid        NOT NULL REFERENCES account (id),
    amount_micro   bigint      NOT NULL CHECK (amount_micro > 0),
    transaction_id uuid        NOT NULL REFERENCES ledger_transaction (id),
    received_at    timestamptz NOT NULL DEFAULT now()
);

-- --- debt lifecycle -------------------------------------------------------------------
CREATE TABLE account_billing_state (
    account_id   uuid        PRIMARY KEY REFERENCES account (id),
    state        text        NOT NULL DEFAULT 'good' CHECK (state IN ('good', 'low', 'suspended', 'terminated')),
    since        timestamptz NOT NULL DEFAULT now(),
    suspended_at timestamptz,
    updated_at   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE notice (
    id         uuid        PRIMARY KEY,
    account_id uuid        NOT NULL REFERENCES account (id),
    kind       text        NOT NULL CHECK (kind IN ('low_balance', 'suspended', 'deletion_warning', 'terminated',
                                                    'resumed')),
    subject    text        NOT NULL,
    body       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    emailed_at timestamptz,
    email_error text
);
CREATE INDEX notice_account_idx ON notice (account_id, created_at);

-- --- statements -----------------------------------------------------------------------
-- Numbers come from a single counter row taken under lock in the issuing transaction, so
-- they have no gaps.
CREATE TABLE statement_counter (
    id   int    PRIMARY KEY CHECK (id = 1),
    last bigint NOT NULL
);
INSERT INTO statement_counter VALUES (1, 0);

CREATE TABLE statement (
    id           uuid        PRIMARY KEY,
    number       bigint      NOT NULL UNIQUE,
    account_id   uuid        NOT NULL REFERENCES account (id),
    period_start timestamptz NOT NULL,
    period_end   timestamptz NOT NULL,
    timezone     text        NOT NULL,
    month        text        NOT NULL,
    currency     text        NOT NULL,
    total_micro  bigint      NOT NULL,
    issued_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (account_id, month)
);

-- Credits (the free allowance) a statement lists, each on exactly one statement.
CREATE TABLE statement_credit (
    transaction_id uuid PRIMARY KEY REFERENCES ledger_transaction (id),
    statement_id   uuid NOT NULL REFERENCES statement (id)
);

CREATE TABLE statement_line (
    id           bigserial PRIMARY KEY,
    statement_id uuid      NOT NULL REFERENCES statement (id),
    workspace_id uuid      REFERENCES workspace (id),
    line         text      NOT NULL,
    quantity     numeric   NOT NULL,
    unit         text      NOT NULL,
    amount_micro bigint    NOT NULL,
    UNIQUE NULLS NOT DISTINCT (statement_id, workspace_id, line)
);

-- Rows that break an invariant of the ledger; empty when all is well.
CREATE FUNCTION berth_ledger_drift() RETURNS TABLE (problem text, subject text, expected bigint, actual bigint)
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
$$;
