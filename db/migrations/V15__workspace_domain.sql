-- Custom domains a workspace claims. A domain is pending until the backend found its challenge, the TXT record
-- _berth-challenge.<domain> = berth-verify=<token>, in DNS; then verified_at is set and the workspace may route it.
-- The token is not a secret (it is published in DNS), so it is stored as it is. Any number of workspaces may have
-- the same domain pending, but only one may have it verified (the partial unique index), which settles two
-- verifications racing for it. The domain is a lower-case DNS name; the backend checks its syntax.
CREATE TABLE workspace_domain (
    id              uuid        PRIMARY KEY,
    workspace_id    uuid        NOT NULL REFERENCES workspace (id),
    domain          text        NOT NULL CHECK (domain = lower(domain) AND length(domain) BETWEEN 3 AND 253),
    token           text        NOT NULL,
    tls_secret_name text        CHECK (length(tls_secret_name) BETWEEN 1 AND 253),
    created_at      timestamptz NOT NULL DEFAULT now(),
    verified_at     timestamptz,
    UNIQUE (workspace_id, domain)
);

CREATE UNIQUE INDEX workspace_domain_verified_idx ON workspace_domain (domain) WHERE verified_at IS NOT NULL;
