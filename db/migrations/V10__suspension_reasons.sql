-- A workspace is suspended for a reason: its owner's debt (the debt lifecycle sets and lifts it) or an admin's
-- suspension of its owner (admin actions set and lift it). Each reason is a column of its own, written by the
-- backend's one writer of workspace state (io.berth.workspace.WorkspaceStates), so lifting one reason never lifts the
-- other. This replaces berth_keep_admin_suspension (V5), which kept an admin's suspension by reading the owner's
-- account status whenever anything un-suspended a workspace.
ALTER TABLE workspace ADD COLUMN suspended_for_debt boolean NOT NULL DEFAULT false,
                      ADD COLUMN suspended_by_admin boolean NOT NULL DEFAULT false;

UPDATE workspace w SET suspended_by_admin = true
WHERE w.suspended AND EXISTS (SELECT 1 FROM workspace_member m JOIN account a ON a.id = m.account_id
                              WHERE m.workspace_id = w.id AND m.role = 'owner' AND a.status = 'suspended');
UPDATE workspace w SET suspended_for_debt = true
WHERE w.suspended AND (NOT w.suspended_by_admin OR EXISTS (
    SELECT 1 FROM workspace_member m JOIN account_billing_state s ON s.account_id = m.account_id
    WHERE m.workspace_id = w.id AND m.role = 'owner' AND s.state IN ('suspended', 'terminated')));

DROP TRIGGER workspace_keep_admin_suspension ON workspace;
DROP FUNCTION berth_keep_admin_suspension();

-- `suspended` is what the reasons add up to, for whoever reads the table; writing it directly changes nothing.
CREATE FUNCTION berth_workspace_suspended() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.suspended := NEW.suspended_for_debt OR NEW.suspended_by_admin;
    RETURN NEW;
END;
$$;
CREATE TRIGGER workspace_suspended_from_reasons
    BEFORE INSERT OR UPDATE OF suspended, suspended_for_debt, suspended_by_admin ON workspace
    FOR EACH ROW EXECUTE FUNCTION berth_workspace_suspended();

-- Where an account stands in billing, stated once: an account that has no balance or billing-state row yet has a
-- balance of zero and is in good standing.
CREATE VIEW account_standing AS
SELECT a.id AS account_id, coalesce(b.balance_micro, 0) AS balance_micro, coalesce(s.state, 'good') AS state,
       s.since, s.suspended_at
FROM account a
LEFT JOIN account_balance b ON b.account_id = a.id
LEFT JOIN account_billing_state s ON s.account_id = a.id;
