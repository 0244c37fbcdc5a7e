-- The portal: personal API tokens, the admin audit log, and admin suspension.

-- Personal access tokens ("berth_pat_..."). Only the SHA-256 of a token is stored; the
-- token itself is shown once, when it is made. display_prefix (the first characters after
-- "berth_pat_") lets people tell their tokens apart without revealing them.
CREATE TABLE api_token (
    id             uuid        PRIMARY KEY,
    account_id     uuid        NOT NULL REFERENCES account (id),
    name           text        NOT NULL CHECK (length(name) BETWEEN 1 AND 80),
    display_prefix text        NOT NULL,
    token_sha256   bytea       NOT NULL UNIQUE,
    scopes         text[]      NOT NULL CHECK (scopes <@ ARRAY['read', 'workspaces', 'billing']::text[]
                                               AND cardinality(scopes) >= 1),
    created_at     timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz NOT NULL,
    last_used_at   timestamptz,
    revoked_at     timestamptz,
    CHECK (expires_at > created_at)
);
CREATE INDEX api_token_account_idx ON api_token (account_id, created_at);

-- Every action of a platform admin, in the admin area or through the admin API. Append-only.
CREATE TABLE admin_audit (
    id            bigserial   PRIMARY KEY,
    at            timestamptz NOT NULL DEFAULT now(),
    admin_id      uuid        NOT NULL REFERENCES account (id),
    admin_name    text        NOT NULL,
    action        text        NOT NULL,
    target_type   text        NOT NULL,
    target_id     text,
    target_name   text,
    detail        text        NOT NULL DEFAULT '',
    via           text        NOT NULL CHECK (via IN ('console', 'api'))
);
CREATE INDEX admin_audit_at_idx ON admin_audit (at DESC);
CREATE INDEX admin_audit_target_idx ON admin_audit (target_id, at DESC);

CREATE FUNCTION berth_audit_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the admin audit log is append-only: % refused', TG_OP USING ERRCODE = 'check_violation';
END;
$$;
CREATE TRIGGER admin_audit_append_only BEFORE UPDATE OR DELETE ON admin_audit
    FOR EACH STATEMENT EXECUTE FUNCTION berth_audit_immutable();

-- Admin suspension is account.status = 'suspended' (V1 already allows it). The debt
-- lifecycle flips workspace.suspended on its own (it resumes workspaces as soon as money
-- comes in); an admin's suspension must outlast that, so a workspace whose owner an admin
-- suspended cannot be un-suspended until the admin resumes the account.
CREATE FUNCTION berth_keep_admin_suspension() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.suspended AND NOT NEW.suspended AND EXISTS (
        SELECT 1 FROM workspace_member m JOIN account a ON a.id = m.account_id
        WHERE m.workspace_id = NEW.id AND m.role = 'owner' AND a.status = 'suspended') THEN
        NEW.suspended := true;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER workspace_keep_admin_suspension BEFORE UPDATE OF suspended ON workspace
    FOR EACH ROW EXECUTE FUNCTION berth_keep_admin_suspension();

-- Admin dashboards: revenue per day reads charges by kind and time.
CREATE INDEX ledger_transaction_kind_created_idx ON ledger_transaction (kind, created_at);
