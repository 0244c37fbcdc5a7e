package io.berth.common;

/** Example bodies of the OpenAPI document (Swagger UI shows them), kept in one place so they stay consistent. */
public final class ApiExamples {

    private ApiExamples() {
    }

    public static final String ACCOUNT_ID = "7c1e1d3a-2f4b-4f7e-9a0e-3b8d2c1f0a11";
    public static final String WORKSPACE_ID = "3f9a2b1c-4d5e-4f60-8a7b-9c0d1e2f3a4b";

    public static final String ME = "{\"id\":\"" + ACCOUNT_ID + "\",\"username\":\"ana\",\"email\":\"ana@example.com\","
            + "\"emailVerified\":true,\"status\":\"active\",\"plan\":\"free\",\"timezone\":\"Europe/Berlin\",\"roles\":[\"berth-user\"],"
            + "\"createdAt\":\"2026-11-01T09:00:00Z\"}";
    public static final String ME_CHANGE = "{\"timezone\":\"Europe/Berlin\"}";

    public static final String CREDENTIAL = "{\"epoch\":2,\"lastIssuedAt\":\"2026-11-20T10:00:00Z\","
            + "\"lastExpiresAt\":\"2026-11-27T10:00:00Z\",\"rotatedAt\":\"2026-11-12T08:30:00Z\","
            + "\"kubernetesUsername\":\"system:serviceaccount:berth-users:u-7c1e1d3a-e2\"}";

    public static final String WORKSPACE = "{\"id\":\"" + WORKSPACE_ID + "\",\"displayName\":\"Shop backend\","
            + "\"namespace\":\"ws-k3j9x2ab1q\",\"plan\":\"free\",\"personal\":false,\"status\":\"ready\","
            + "\"suspended\":false,\"role\":\"owner\",\"createdAt\":\"2026-11-02T12:00:00Z\","
            + "\"appsHostSuffix\":\"ws-k3j9x2ab1q.apps.berth.localhost\"}";
    public static final String WORKSPACE_NEW = "{\"displayName\":\"Shop backend\"}";
    public static final String WORKSPACES = "[" + WORKSPACE + "]";

    public static final String ROUTES = "[{\"kind\":\"HTTPRoute\",\"name\":\"shop\","
            + "\"hostnames\":[\"shop.ws-k3j9x2ab1q.apps.example.com\"],"
            + "\"urls\":[\"https://shop.ws-k3j9x2ab1q.apps.example.com/\"],\"status\":\"accepted\","
            + "\"statusReason\":null}]";

    public static final String MEMBER = "{\"accountId\":\"" + ACCOUNT_ID + "\",\"username\":\"ana\","
            + "\"email\":\"ana@example.com\",\"role\":\"developer\",\"since\":\"2026-11-03T08:00:00Z\"}";
    public static final String MEMBERS = "[" + MEMBER + "]";
    public static final String ROLE_CHANGE = "{\"role\":\"viewer\"}";
    public static final String TRANSFER = "{\"accountId\":\"" + ACCOUNT_ID + "\"}";

    public static final String INVITATION = "{\"id\":\"9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d\",\"workspaceId\":\""
            + WORKSPACE_ID + "\",\"workspaceName\":\"Shop backend\",\"invitee\":\"ben@example.com\","
            + "\"role\":\"developer\",\"status\":\"pending\",\"expiresAt\":\"2026-11-27T10:00:00Z\","
            + "\"createdAt\":\"2026-11-20T10:00:00Z\"}";
    public static final String INVITATION_CREATED = "{\"id\":\"9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d\","
            + "\"workspaceId\":\"" + WORKSPACE_ID + "\",\"workspaceName\":\"Shop backend\","
            + "\"invitee\":\"ben@example.com\",\"role\":\"developer\",\"status\":\"pending\","
            + "\"expiresAt\":\"2026-11-27T10:00:00Z\",\"createdAt\":\"2026-11-20T10:00:00Z\","
            + "\"token\":\"q3Jx0c8mS2v8yR6e1hN4kP7tW9zB5dF0gH2jK4lM6nQ\","
            + "\"acceptUrl\":\"https://berth.example/console/invitations/q3Jx0c8mS2v8yR6e1hN4kP7tW9zB5dF0gH2jK4lM6nQ\"}";
    public static final String INVITATIONS = "[" + INVITATION + "]";
    public static final String INVITATION_NEW = "{\"invitee\":\"ben@example.com\",\"role\":\"developer\"}";
    public static final String INVITATION_TOKEN = "{\"token\":\"q3Jx0c8mS2v8yR6e1hN4kP7tW9zB5dF0gH2jK4lM6nQ\"}";

    public static final String BALANCE = "{\"balanceMicro\":4210000,\"balance\":\"4.210000\",\"currency\":\"USD\","
            + "\"state\":\"good\",\"lowBalanceMicro\":1000000}";
    public static final String LEDGER = "[{\"transactionId\":\"5b0e7f1c-1a2b-4c3d-8e9f-0a1b2c3d4e5f\","
            + "\"kind\":\"charge\",\"description\":\"Usage of workspace Shop backend (ws-k3j9x2ab1q), "
            + "2026-11-20T09:00Z UTC\",\"amountMicro\":-37500,\"balanceAfterMicro\":4210000,"
            + "\"createdAt\":\"2026-11-20T10:05:00Z\"},{\"transactionId\":\"1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f\","
            + "\"kind\":\"signup_credit\",\"description\":\"Sign-up credit\",\"amountMicro\":5000000,"
            + "\"balanceAfterMicro\":5000000,\"createdAt\":\"2026-11-01T09:00:00Z\"}]";
    public static final String USAGE = "{\"granularity\":\"hour\",\"timezone\":\"UTC\","
            + "\"from\":\"2026-11-18T10:00:00Z\",\"to\":\"2026-11-20T10:00:00Z\",\"points\":[{\"bucket\":"
            + "\"2026-11-20T09:00Z\",\"workspaceId\":\"" + WORKSPACE_ID + "\",\"line\":\"cpu\",\"quantity\":0.6,"
            + "\"unit\":\"core-hours\",\"amountMicro\":18000},{\"bucket\":\"2026-11-20T09:00Z\",\"workspaceId\":\""
            + WORKSPACE_ID + "\",\"line\":\"memory\",\"quantity\":0.683594,\"unit\":\"GiB-hours\","
            + "\"amountMicro\":2734}],\"totalMicro\":20734}";
    public static final String STATEMENT = "{\"id\":\"6a5b4c3d-2e1f-4a0b-9c8d-7e6f5a4b3c2d\",\"number\":42,"
            + "\"accountId\":\"" + ACCOUNT_ID + "\",\"month\":\"2026-10\",\"timezone\":\"Europe/Berlin\","
            + "\"periodStart\":\"2026-09-30T22:00:00Z\",\"periodEnd\":\"2026-10-31T23:00:00Z\",\"currency\":\"USD\","
            + "\"totalMicro\":1234567,\"issuedAt\":\"2026-11-01T01:00:00Z\",\"lines\":[{\"workspaceId\":\""
            + WORKSPACE_ID + "\",\"workspaceName\":\"Shop backend\",\"namespace\":\"ws-k3j9x2ab1q\","
            + "\"line\":\"cpu\",\"quantity\":148000000000,\"unit\":\"core-microseconds\",\"amountMicro\":1234567}]}";
    public static final String STATEMENTS = "[" + STATEMENT + "]";
    public static final String STATEMENT_CSV = "statement,month,workspace,namespace,line,quantity,unit,amount,currency\n"
            + "42,2026-10,\"Shop backend\",ws-k3j9x2ab1q,cpu,148000000000,core-microseconds,1.234567,USD\n"
            + "42,2026-10,,,total,,,1.234567,USD\n";
    public static final String REDEEM = "{\"code\":\"K7QW2MZP4XRT9HBN\"}";
    public static final String REDEEMED = "{\"amountMicro\":10000000,\"balanceMicro\":14210000}";
    public static final String TOPUP_EVENT = "{\"id\":\"evt_1Q2w3E4r\",\"type\":\"topup.succeeded\",\"data\":"
            + "{\"account_id\":\"" + ACCOUNT_ID + "\",\"amount_micro\":20000000,\"currency\":\"USD\"}}";
    public static final String TOPUP_OUTCOME = "{\"eventId\":\"evt_1Q2w3E4r\",\"result\":\"credited\","
            + "\"amountMicro\":20000000}";

    public static final String PLAN = "{\"id\":\"team\",\"name\":\"Team\",\"description\":\"For small teams\","
            + "\"active\":true,\"maxWorkspaces\":10,\"cpuRequestMillis\":8000,\"cpuLimitMillis\":16000,"
            + "\"memoryRequestBytes\":17179869184,\"memoryLimitBytes\":34359738368,"
            + "\"ephemeralStorageBytes\":21474836480,\"storageBytes\":107374182400,\"maxPods\":100,"
            + "\"maxServices\":50,\"maxSecrets\":200,\"maxConfigmaps\":200,\"maxPvcs\":50,"
            + "\"maxReplicationControllers\":10,\"maxNodeports\":2,\"maxLoadbalancers\":1,"
            + "\"maxDeployments\":50,\"maxReplicaSets\":550,\"maxStatefulSets\":20,\"maxControllerRevisions\":220,"
            + "\"maxJobs\":100,\"maxCronJobs\":20,\"maxServiceAccounts\":50,\"maxRoles\":50,\"maxRoleBindings\":50,"
            + "\"maxIngresses\":20,\"maxNetworkPolicies\":50,\"maxHorizontalPodAutoscalers\":50,"
            + "\"maxPodDisruptionBudgets\":50,\"extendedResources\":{\"nvidia.com/gpu\":2},"
            + "\"storageClasses\":[\"standard\"],\"defaultCpuRequestMillis\":100,\"defaultCpuLimitMillis\":500,"
            + "\"defaultMemoryRequestBytes\":134217728,\"defaultMemoryLimitBytes\":536870912,"
            + "\"priceCpuCoreHour\":25000,\"priceMemoryGibHour\":3500,\"priceStorageGibHour\":100,"
            + "\"priceExternalEgressGib\":80000,\"priceExternalIngressGib\":0,\"priceInternalGib\":0,"
            + "\"priceNodeportHour\":2000,\"priceLoadbalancerHour\":25000,\"freeAllowanceMonthly\":10000000}";
    public static final String PLANS = "[" + PLAN + "]";

    public static final String WORKSPACE_RENAME = "{\"displayName\":\"Shop backend (staging)\"}";
    public static final String ADJUSTMENT = "{\"amountMicro\":5000000,\"reason\":\"Refund for the outage of 3 March\"}";
    public static final String SUSPENSION = "{\"reason\":\"Crypto mining against the terms of service\"}";
    public static final String PLAN_CHANGE = "{\"planId\":\"team\"}";
    public static final String VOUCHER_BATCH_NEW = "{\"name\":\"Meetup Berlin, November\",\"amountMicro\":10000000,"
            + "\"count\":50,\"expiresAt\":\"2027-01-01T00:00:00Z\",\"perAccountLimit\":1}";
    public static final String TOKEN_NEW = "{\"name\":\"CI deploys\",\"scopes\":[\"read\",\"workspaces\"],"
            + "\"expiresAt\":\"2027-01-31T00:00:00Z\"}";
}
