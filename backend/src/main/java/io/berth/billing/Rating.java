package io.berth.billing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import io.berth.common.ReadsForeignTables;
import io.berth.common.Sql;

/**
 * Rates one closed UTC hour [start, start + 1 h) for every workspace, set-based. For each (workspace, line) it prices
 * the hour's whole quantity, rounds once, and charges the difference to what earlier revisions of that line already
 * charged; so re-rating an hour charges nothing, and a late sample is charged once, as the next revision (an
 * adjustment). Charges go to the workspace owner's account as one ledger transaction per workspace and run, in the
 * same database transaction as the rating lines.
 *
 * <p>
 * A run has three steps: {@link #stage} aggregates the hour's samples once into {@code rating_usage}, tagged with
 * the owner account's shard; {@link #rateShard} rates the workspaces of one shard in one database transaction (the
 * shards hold disjoint accounts, so several can run at once on separate connections without waiting for each other's
 * balance rows); {@link #unstage} removes the staged rows. {@link #rate} does all three in the caller's transaction.
 *
 * <p>
 * What a run staged may be stale by the time it holds the shard's lock: another run may have rated the hour since,
 * with later samples, and the workspace may have changed owner. So a shard reads each workspace's owner again under
 * its lock (an owner change takes every shard's lock, V9, so the owner it reads stays until it commits), charges that
 * owner, hands a workspace whose new owner lies in another shard over to that shard, and charges a line only when its
 * staged quantity exceeds what is already billed: quantities only grow, so a smaller one is stale, and rating never
 * writes a negative revision.
 *
 * <ul>
 * <li>cpu: Σ max(request × window, usage) per sample, in core-µs, priced per core-hour;</li>
 * <li>memory: Σ max(request, mean working set) × window, in byte-seconds, priced per GiB-hour;</li>
 * <li>storage: Σ requested bytes × window of PVC samples, priced per GiB-hour;</li>
 * <li>external egress / ingress: Σ bytes sent / received, by the pods to and from outside the cluster and by the
 * gateway to and from clients for the workspace's services (edge samples); internal traffic: Σ bytes sent inside the cluster (each
 * byte once, to its sender: counting received bytes too would count a byte between two pods of one workspace
 * twice); all priced per GiB;</li>
 * <li>nodeport / loadbalancer: Σ count × window of Service samples, priced per hour.</li>
 * </ul>
 * Amounts are rounded half up to the micro-unit, with exact integer arithmetic.
 */
@ReadsForeignTables(value = {"workspace", "workspace_member", "account", "plan"}, why = "rating prices every "
        + "workspace's hour in a few statements: whose workspace it is (owner, shard), on which plan and prices, and "
        + "the owner's free allowance and time zone, joined in SQL rather than asked for 100,000 times")
public final class Rating {

    /** Held (session-level) by the instance that runs the hourly job, so only one instance drives rating at a time. */
    public static final long RUN_LOCK = 0x6265727468_03L;
    /**
     * Accounts fall into this many shards. The count is fixed, not configured, so that every instance locks the same
     * shard for the same account: two runs of one hour wait for each other shard by shard.
     */
    public static final int SHARDS = 8;
    /**
     * Advisory lock of shard k is SHARD_LOCK + k (108187851450384 + k: V9's berth_workspace_owner_change takes them
     * all before an owner changes).
     */
    private static final long SHARD_LOCK = 0x6265727468_10L;

    private Rating() {
    }

    public record Result(OffsetDateTime hour, int lines, int charges, long chargedMicro, int allowances) {

        static Result none(OffsetDateTime hour) {
            return new Result(hour, 0, 0, 0, 0);
        }

        Result plus(Result o) {
            return new Result(hour, lines + o.lines, charges + o.charges, chargedMicro + o.chargedMicro,
                    allowances + o.allowances);
        }
    }

    /**
     * The hour's quantity per (workspace, line), with the owner account and its shard. A sample belongs wholly to the
     * hour its window starts in (a window that crosses into the next hour is not split: its counters have no exact
     * split). Window lengths are exact (numeric seconds, to the microsecond), so a 0.5 s window counts half a second,
     * not one. External traffic is the pods' own (to and from addresses outside the cluster) plus the gateway's
     * bodies from and to clients (edge_usage_sample): the same bytes between gateway and pod are internal in the
     * pods' counts, so each is charged once, in one line, rounded once.
     */
    private static final String USAGE = """
            CREATE TEMP TABLE rate_staged ON COMMIT DROP AS
            WITH pod AS (
                SELECT namespace,
                       sum(greatest(cpu_request_millis * 1000 * secs, cpu_usage_usec)) AS cpu,
                       sum(greatest(memory_request_bytes, memory_avg_bytes) * secs) AS memory,
                       sum(net_external_tx_bytes) AS egress,
                       sum(net_external_rx_bytes) AS ingress,
                       sum(net_internal_tx_bytes) AS internal
                FROM (SELECT *, extract(epoch FROM window_end - window_start) AS secs
                      FROM pod_usage_sample
                      WHERE window_start >= ?::timestamptz AND window_start < ?::timestamptz) s
                GROUP BY namespace),
            obj AS (
                SELECT namespace,
                       sum(quantity * secs) FILTER (WHERE kind = 'pvc') AS storage,
                       sum(quantity * secs) FILTER (WHERE kind = 'nodeport_service') AS nodeport,
                       sum(quantity * secs) FILTER (WHERE kind = 'loadbalancer_service') AS loadbalancer
                FROM (SELECT *, extract(epoch FROM window_end - window_start) AS secs
                      FROM object_usage_sample
                      WHERE window_start >= ?::timestamptz AND window_start < ?::timestamptz) o
                GROUP BY namespace),
            edge AS (
                SELECT namespace, sum(bytes_out) AS egress, sum(bytes_in) AS ingress
                FROM edge_usage_sample
                WHERE window_start >= ?::timestamptz AND window_start < ?::timestamptz
                GROUP BY namespace)
            SELECT get_byte(uuid_send(m.account_id), 15) % ?::int AS shard, w.id AS workspace_id, w.plan_id,
                   m.account_id, v.line, v.quantity
            FROM (SELECT coalesce(p.namespace, o.namespace, e.namespace) AS namespace, p.cpu, p.memory,
                         coalesce(p.egress, 0) + coalesce(e.egress, 0) AS egress,
                         coalesce(p.ingress, 0) + coalesce(e.ingress, 0) AS ingress,
                         p.internal, o.storage, o.nodeport, o.loadbalancer
                  FROM pod p FULL JOIN obj o ON o.namespace = p.namespace
                  FULL JOIN edge e ON e.namespace = coalesce(p.namespace, o.namespace)) u
            JOIN workspace w ON w.namespace = u.namespace
            JOIN workspace_member m ON m.workspace_id = w.id AND m.role = 'owner'
            CROSS JOIN LATERAL (VALUES ('cpu', u.cpu), ('memory', u.memory), ('storage', u.storage),
                                       ('external_egress', u.egress), ('external_ingress', u.ingress),
                                       ('internal_traffic', u.internal), ('nodeport', u.nodeport),
                                       ('loadbalancer', u.loadbalancer)) v(line, quantity)
            WHERE v.quantity > 0""";

    /**
     * One price list per hour: the plans' prices as they stood when the hour was first rated (rating_price). A line
     * that already has revisions keeps the price of its first; a line first rated in an adjustment takes the hour's
     * price, not today's. So a price change never re-prices an hour that was rated, in part or whole. (The price list
     * is outer-joined: were it missing, the null price would fail the shard's insert instead of dropping usage.)
     * Divisors, units, price columns and the rounding are {@link UsageLine}'s.
     */
    private static final String CANDIDATES = """
            CREATE TEMP TABLE rate_new ON COMMIT DROP AS
            WITH billed AS (
                SELECT workspace_id, line, sum(quantity) AS quantity, sum(amount_micro) AS amount,
                       max(revision) AS revision, (array_agg(unit_price_micro ORDER BY revision))[1] AS first_price
                FROM rating_line
                WHERE hour_start = ?::timestamptz AND workspace_id IN (SELECT workspace_id FROM rate_usage)
                GROUP BY workspace_id, line),
            priced AS (
                SELECT u.workspace_id, u.plan_id, u.account_id, u.line, u.quantity,
                       coalesce(b.first_price, %s) AS price,
                       %s AS divisor,
                       %s AS unit,
                       coalesce(b.quantity, 0) AS billed_quantity, coalesce(b.amount, 0) AS billed_amount,
                       coalesce(b.revision, 0) AS revision
                FROM rate_usage u
                LEFT JOIN rating_price p ON p.plan_id = u.plan_id AND p.hour_start = ?::timestamptz
                LEFT JOIN billed b ON b.workspace_id = u.workspace_id AND b.line = u.line)
            SELECT pr.workspace_id, pr.plan_id, pr.line, pr.revision + 1 AS revision,
                   pr.quantity - pr.billed_quantity AS quantity, pr.unit, pr.price,
                   (%s - pr.billed_amount)::bigint AS amount,
                   pr.account_id
            FROM priced pr
            WHERE pr.quantity > pr.billed_quantity""".formatted(UsageLine.sqlPrice("u.line", "p"),
            UsageLine.sqlDivisor("u.line"), UsageLine.sqlBaseUnit("u.line"),
            UsageLine.sqlAmount("pr.quantity", "pr.price", "pr.divisor"));

    /** One charge per workspace and run, to the owner, for the lines whose amounts do not sum to zero. */
    private static final String TRANSACTIONS = """
            CREATE TEMP TABLE rate_tx ON COMMIT DROP AS
            SELECT gen_random_uuid() AS id, n.account_id, n.workspace_id, sum(n.amount)::bigint AS amount
            FROM rate_new n
            GROUP BY n.account_id, n.workspace_id
            HAVING sum(n.amount) <> 0""";

    /**
     * Runs are serialised shard by shard by advisory locks, and a workspace is rated only in the shard of its current
     * owner, so the candidates are what no other run has charged; should two runs ever overlap anyway, the unique key
     * fails this insert and the shard's transaction rolls back, charging nothing twice. rated_at is taken after the
     * owners were read, which orders each line exactly against workspace_owner_history.
     */
    private static final String INSERT_LINES = """
            INSERT INTO rating_line (workspace_id, hour_start, line, revision, account_id, plan_id, quantity, unit,
                                     unit_price_micro, amount_micro, transaction_id, rated_at)
            SELECT n.workspace_id, ?::timestamptz, n.line, n.revision, n.account_id, n.plan_id, n.quantity, n.unit,
                   n.price, n.amount, t.id, ?::timestamptz
            FROM rate_new n
            LEFT JOIN rate_tx t ON t.workspace_id = n.workspace_id AND t.account_id = n.account_id""";

    private static final String LEDGER_TRANSACTIONS = """
            INSERT INTO ledger_transaction (id, kind, account_id, idem_key, description)
            SELECT t.id, 'charge', t.account_id, 'charge:' || t.workspace_id || ':' || ? || ':' || ?,
                   'Usage of workspace ' || ws.display_name || ' (' || ws.namespace || '), ' || ? || ' UTC'
            FROM rate_tx t JOIN workspace ws ON ws.id = t.workspace_id""";

    private static final String LEDGER_ENTRIES = """
            INSERT INTO ledger_entry (transaction_id, account_id, system_account, amount_micro)
            SELECT id, account_id, NULL, -amount FROM rate_tx
            UNION ALL
            SELECT id, NULL, 'revenue', amount FROM rate_tx""";

    private static final String BALANCES = """
            INSERT INTO account_balance (account_id, balance_micro)
            SELECT account_id, -sum(amount) FROM rate_tx GROUP BY account_id
            ON CONFLICT (account_id) DO UPDATE SET balance_micro = account_balance.balance_micro + excluded.balance_micro,
                updated_at = now()""";

    /**
     * The plan's monthly free allowance (in money) pays for charges until it is used up; months are the account's
     * local calendar months, and the month of a credit is that of the hour whose charges it pays.
     */
    private static final String ALLOWANCES = """
            CREATE TEMP TABLE rate_allowance ON COMMIT DROP AS
            WITH charged AS (
                SELECT t.account_id, sum(t.amount) AS amount FROM rate_tx t GROUP BY t.account_id HAVING sum(t.amount) > 0),
            eligible AS (
                SELECT c.account_id, c.amount, p.free_allowance_monthly AS allowance,
                       to_char(?::timestamptz AT TIME ZONE a.timezone, 'YYYY-MM') AS month
                FROM charged c JOIN account a ON a.id = c.account_id JOIN plan p ON p.id = a.plan_id
                WHERE p.free_allowance_monthly > 0),
            used AS (
                SELECT e.account_id, coalesce(sum(le.amount_micro), 0) AS used
                FROM eligible e
                LEFT JOIN allowance_credit ac ON ac.account_id = e.account_id AND ac.month = e.month
                LEFT JOIN ledger_entry le ON le.transaction_id = ac.transaction_id AND le.account_id IS NOT NULL
                GROUP BY e.account_id)
            SELECT gen_random_uuid() AS id, e.account_id, e.month,
                   least(e.amount, e.allowance - u.used)::bigint AS amount
            FROM eligible e JOIN used u ON u.account_id = e.account_id
            WHERE e.allowance - u.used > 0""";

    /** Rates the hour in the caller's transaction, shard after shard. */
    public static Result rate(Connection c, OffsetDateTime hour, UUID runId) throws SQLException {
        Result total = Result.none(hour);
        List<Integer> shards = stage(c, hour, runId);
        // Every lock first, in the order an owner change takes them: no owner changes from here to the commit, and this
        // transaction never waits for a lower shard while holding a higher one.
        for (int k = 0; k < SHARDS; k++) {
            lock(c, k);
        }
        List<UUID> passes = new ArrayList<>(List.of(runId));
        while (!shards.isEmpty()) {
            UUID pass = passes.get(passes.size() - 1);
            UUID next = UUID.randomUUID();
            passes.add(next);
            Set<Integer> moved = new TreeSet<>();
            for (int shard : shards) {
                total = total.plus(rateShard(c, hour, pass, shard, new HashSet<>(), next, moved));
            }
            shards = new ArrayList<>(moved);
        }
        for (UUID pass : passes) {
            unstage(c, pass);
        }
        return total;
    }

    /**
     * Aggregates the hour's samples into rating_usage under the run's id (and clears what crashed runs left); returns
     * the shards that have usage.
     */
    public static List<Integer> stage(Connection c, OffsetDateTime hour, UUID runId) throws SQLException {
        OffsetDateTime start = hourStart(hour);
        tuneSession(c);
        Sql.update(c, "DELETE FROM rating_usage WHERE staged_at < now() - interval '1 day'");
        // INSERT ... SELECT runs on one core; CREATE TABLE AS aggregates with parallel workers.
        Sql.update(c, USAGE, start, start.plusHours(1), start, start.plusHours(1), start, start.plusHours(1),
                SHARDS);
        Sql.update(c, """
                INSERT INTO rating_usage (run_id, shard, workspace_id, plan_id, account_id, line, quantity)
                SELECT ?, shard, workspace_id, plan_id, account_id, line, quantity FROM rate_staged""", runId);
        Sql.update(c, "DROP TABLE rate_staged");
        // The first run to stage the hour fixes its prices: it copies every plan's, later runs keep that copy.
        Sql.update(c, """
                INSERT INTO rating_price (plan_id, hour_start, price_cpu_core_hour, price_memory_gib_hour,
                                          price_storage_gib_hour, price_external_egress_gib,
                                          price_external_ingress_gib, price_internal_gib, price_nodeport_hour,
                                          price_loadbalancer_hour)
                SELECT id, ?, price_cpu_core_hour, price_memory_gib_hour, price_storage_gib_hour,
                       price_external_egress_gib, price_external_ingress_gib, price_internal_gib, price_nodeport_hour,
                       price_loadbalancer_hour
                FROM plan
                ON CONFLICT (plan_id, hour_start) DO NOTHING""", start);
        List<Integer> shards = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT DISTINCT shard FROM rating_usage WHERE run_id = ? ORDER BY shard")) {
            ps.setObject(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    shards.add(rs.getInt(1));
                }
            }
        }
        return shards;
    }

    public static void unstage(Connection c, UUID runId) throws SQLException {
        Sql.update(c, "DELETE FROM rating_usage WHERE run_id = ?", runId);
    }

    /**
     * Rates the staged workspaces of one shard in the caller's transaction, and adds the accounts it charged or
     * credited to {@code accounts}. A staged workspace whose owner now lies in another shard is not rated here: its
     * rows move to run {@code movedRunId} under that shard, which is added to {@code movedTo}, for the caller to rate
     * next.
     */
    public static Result rateShard(Connection c, OffsetDateTime hour, UUID runId, int shard, Set<UUID> accounts,
            UUID movedRunId, Set<Integer> movedTo) throws SQLException {
        OffsetDateTime start = hourStart(hour);
        String hourLabel = start.toInstant().toString().substring(0, 13);
        lock(c, shard);
        tuneSession(c);
        // A private copy with fresh statistics: the shared table's say nothing of this run, and a plan made blind
        // joins the shard's workspaces to their rating lines in a nested loop, quadratic in the shard's size. The
        // owner is the one of now, read under the shard's lock, not the one the staging saw.
        Sql.update(c, """
                CREATE TEMP TABLE rate_usage ON COMMIT DROP AS
                SELECT u.workspace_id, u.plan_id, m.account_id, u.line, u.quantity,
                       get_byte(uuid_send(m.account_id), 15) % ?::int AS owner_shard
                FROM rating_usage u JOIN workspace_member m ON m.workspace_id = u.workspace_id AND m.role = 'owner'
                WHERE u.run_id = ? AND u.shard = ?""", SHARDS, runId, shard);
        OffsetDateTime ratedAt;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT clock_timestamp()")) {
            rs.next();
            ratedAt = rs.getObject(1, OffsetDateTime.class);
        }
        try (PreparedStatement ps = c.prepareStatement("""
                UPDATE rating_usage u SET run_id = ?, shard = m.owner_shard
                FROM (SELECT DISTINCT workspace_id, owner_shard FROM rate_usage WHERE owner_shard <> ?) m
                WHERE u.run_id = ? AND u.shard = ? AND u.workspace_id = m.workspace_id
                RETURNING u.shard""")) {
            ps.setObject(1, movedRunId);
            ps.setInt(2, shard);
            ps.setObject(3, runId);
            ps.setInt(4, shard);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    movedTo.add(rs.getInt(1));
                }
            }
        }
        Sql.update(c, "DELETE FROM rate_usage WHERE owner_shard <> ?", shard);
        Sql.update(c, "ANALYZE rate_usage");
        Sql.update(c, CANDIDATES, start, start);
        int charges = Sql.update(c, TRANSACTIONS);
        Sql.update(c, LEDGER_TRANSACTIONS, hourLabel, runId.toString(), hourLabel);
        Sql.update(c, LEDGER_ENTRIES);
        int lines = Sql.update(c, INSERT_LINES, start, ratedAt);
        Sql.update(c, BALANCES);
        int allowances = Sql.update(c, ALLOWANCES, start);
        if (allowances > 0) {
            Sql.update(c, """
                    INSERT INTO ledger_transaction (id, kind, account_id, idem_key, description)
                    SELECT id, 'free_allowance', account_id, 'allowance:' || account_id || ':' || month || ':' || ?,
                           'Free monthly allowance of the plan, ' || month
                    FROM rate_allowance""", runId.toString());
            // The hour it pays for puts the credit on the statement that lists the hour's lines.
            Sql.update(c, """
                    INSERT INTO allowance_credit (transaction_id, account_id, month, hour_start)
                    SELECT id, account_id, month, ?::timestamptz FROM rate_allowance""", start);
            Sql.update(c, """
                    INSERT INTO ledger_entry (transaction_id, account_id, system_account, amount_micro)
                    SELECT id, account_id, NULL, amount FROM rate_allowance
                    UNION ALL SELECT id, NULL, 'promotions', -amount FROM rate_allowance""");
            Sql.update(c, """
                    INSERT INTO account_balance (account_id, balance_micro)
                    SELECT account_id, sum(amount) FROM rate_allowance GROUP BY account_id
                    ON CONFLICT (account_id) DO UPDATE
                    SET balance_micro = account_balance.balance_micro + excluded.balance_micro, updated_at = now()""");
        }
        long charged;
        try (Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT coalesce(sum(amount), 0) FROM rate_tx")) {
                rs.next();
                charged = rs.getLong(1);
            }
            try (ResultSet rs = st.executeQuery("SELECT DISTINCT account_id FROM rate_new")) {
                while (rs.next()) {
                    accounts.add(rs.getObject(1, UUID.class));
                }
            }
            st.execute("DROP TABLE rate_usage, rate_new, rate_tx, rate_allowance");
        }
        return new Result(start, lines, charges, charged, allowances);
    }

    /** The advisory lock key of a shard (berth_workspace_owner_change, V9, takes the same keys). */
    static long shardLock(int shard) {
        return SHARD_LOCK + shard;
    }

    private static void lock(Connection c, int shard) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SELECT pg_advisory_xact_lock(" + shardLock(shard) + ")");
        }
    }

    private static OffsetDateTime hourStart(OffsetDateTime hour) {
        OffsetDateTime start = hour.truncatedTo(ChronoUnit.HOURS);
        if (!start.equals(hour)) {
            throw new IllegalArgumentException("not an hour start: " + hour);
        }
        return start;
    }

    /**
     * The hour's aggregation keeps a group per workspace: in memory, not spilled to disk in batches. JIT compiling
     * these statements costs more than it saves on a run that is mostly writes.
     */
    private static void tuneSession(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SET LOCAL work_mem = '256MB'");
            st.execute("SET LOCAL jit = off");
        }
    }

}
