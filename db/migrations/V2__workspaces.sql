-- Plans carry the quotas provisioning applies (prices arrive with billing). Sizes are
-- bytes, CPU is millicores; a plan is referenced by a short stable id.
CREATE TABLE plan (
    id                          text        PRIMARY KEY CHECK (id ~ '^[a-z][a-z0-9-]{0,30}$'),
    name                        text        NOT NULL,
    description                 text        NOT NULL DEFAULT '',
    active                      boolean     NOT NULL DEFAULT true,
    max_workspaces              int         NOT NULL CHECK (max_workspaces >= 1),
    cpu_request_millis          bigint      NOT NULL CHECK (cpu_request_millis >= 0),
    cpu_limit_millis            bigint      NOT NULL CHECK (cpu_limit_millis >= 0),
    memory_request_bytes        bigint      NOT NULL CHECK (memory_request_bytes >= 0),
    memory_limit_bytes          bigint      NOT NULL CHECK (memory_limit_bytes >= 0),
    ephemeral_storage_bytes     bigint      NOT NULL CHECK (ephemeral_storage_bytes >= 0),
    storage_bytes               bigint      NOT NULL CHECK (storage_bytes >= 0),
    max_pods                    int         NOT NULL CHECK (max_pods >= 0),
    max_services                int         NOT NULL CHECK (max_services >= 0),
    max_secrets                 int         NOT NULL CHECK (max_secrets >= 0),
    max_configmaps              int         NOT NULL CHECK (max_configmaps >= 0),
    max_pvcs                    int         NOT NULL CHECK (max_pvcs >= 0),
    max_replication_controllers int         NOT NULL CHECK (max_replication_controllers >= 0),
    max_nodeports               int         NOT NULL DEFAULT 0 CHECK (max_nodeports >= 0),
    max_loadbalancers           int         NOT NULL DEFAULT 0 CHECK (max_loadbalancers >= 0),
    storage_classes             text[]      NOT NULL DEFAULT '{}',
    default_cpu_request_millis  bigint      NOT NULL CHECK (default_cpu_request_millis > 0),
    default_cpu_limit_millis    bigint      NOT NULL CHECK (default_cpu_limit_millis >= default_cpu_request_millis),
    default_memory_request_bytes bigint     NOT NULL CHECK (default_memory_request_bytes > 0),
    default_memory_limit_bytes  bigint      NOT NULL CHECK (default_memory_limit_bytes >= default_memory_request_bytes),
    created_at                  timestamptz NOT NULL DEFAULT now(),
    updated_at                  timestamptz NOT NULL DEFAULT now()
);

INSERT INTO plan (id, name, description, max_workspaces,
                  cpu_request_millis, cpu_limit_millis, memory_request_bytes, memory_limit_bytes,
                  ephemeral_storage_bytes, storage_bytes,
                  max_pods, max_services, max_secrets, max_configmaps, max_pvcs, max_replication_controllers,
                  max_nodeports, max_loadbalancers, storage_classes,
                  default_cpu_request_millis, default_cpu_limit_millis,
                  default_memory_request_bytes, default_memory_limit_bytes)
VALUES ('free', 'Free', 'For trying Berth: small quotas, no node ports or load balancers', 3,
        2000, 4000, 4294967296, 8589934592,
        10737418240, 21474836480,
        20, 10, 50, 50, 10, 5,
        0, 0, '{standard}',
        100, 500, 134217728, 536870912);

ALTER TABLE account ADD COLUMN plan_id text NOT NULL DEFAULT 'free' REFERENCES plan (id);

-- A workspace is one namespace. generation counts desired-state changes; the reconciler
-- records the generation it last made the cluster match.
CREATE TABLE workspace (
    id                  uuid        PRIMARY KEY,
    namespace           text        NOT NULL UNIQUE CHECK (namespace ~ '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$'),
    display_name        text        NOT NULL CHECK (length(display_name) BETWEEN 1 AND 63),
    plan_id             text        NOT NULL REFERENCES plan (id),
    personal            boolean     NOT NULL DEFAULT false,
    created_by          uuid        NOT NULL REFERENCES account (id),
    status              text        NOT NULL DEFAULT 'provisioning'
                                    CHECK (status IN ('provisioning', 'ready', 'error', 'deleting', 'deleted')),
    status_reason       text,
    generation          bigint      NOT NULL DEFAULT 1,
    observed_generation bigint      NOT NULL DEFAULT 0,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    deleted_at          timestamptz
);

CREATE INDEX workspace_pending_idx ON workspace (id) WHERE status <> 'deleted' AND (status <> 'ready' OR observed_generation < generation);

CREATE TABLE workspace_member (
    workspace_id uuid        NOT NULL REFERENCES workspace (id),
    account_id   uuid        NOT NULL REFERENCES account (id),
    role         text        NOT NULL CHECK (role IN ('owner', 'admin', 'developer', 'viewer')),
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, account_id)
);

-- Exactly one owner: at most one by this index, at least one by the services (an owner
-- leaves only through a transfer, which swaps roles in one transaction).
CREATE UNIQUE INDEX workspace_one_owner_idx ON workspace_member (workspace_id) WHERE role = 'owner';
CREATE INDEX workspace_member_account_idx ON workspace_member (account_id);

-- Invitations: the link's token is stored only as its SHA-256.
CREATE TABLE invitation (
    id           uuid        PRIMARY KEY,
    workspace_id uuid        NOT NULL REFERENCES workspace (id),
    invitee      text        NOT NULL,
    role         text        NOT NULL CHECK (role IN ('admin', 'developer', 'viewer')),
    token_sha256 bytea       NOT NULL UNIQUE,
    invited_by   uuid        NOT NULL REFERENCES account (id),
    status       text        NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'accepted', 'declined', 'revoked')),
    expires_at   timestamptz NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now(),
    responded_at timestamptz,
    responded_by uuid        REFERENCES account (id)
);

CREATE INDEX invitation_workspace_idx ON invitation (workspace_id);
CREATE INDEX invitation_invitee_idx ON invitation (lower(invitee)) WHERE status = 'pending';

-- A user's Kubernetes credential: tokens are bound to the Secret of the current epoch, so
-- deleting it revokes every token issued before. Tokens themselves are never stored.
CREATE TABLE account_credential (
    account_id      uuid        PRIMARY KEY REFERENCES account (id),
    epoch           int         NOT NULL DEFAULT 1,
    last_issued_at  timestamptz,
    last_expires_at timestamptz,
    rotated_at      timestamptz,
    revoked_by      uuid        REFERENCES account (id),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
