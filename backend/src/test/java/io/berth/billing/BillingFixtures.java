package io.berth.billing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.UUID;

import javax.sql.DataSource;

import io.quarkus.arc.Arc;

/**
 * Accounts, workspaces and usage samples written straight into PostgreSQL, for billing tests that need exact,
 * hand-computable inputs (no cluster needed: rating reads only the database).
 */
public final class BillingFixtures {

    public static final long GIB = 1L << 30;
    public static final long MIB = 1L << 20;

    private final DataSource ds;

    public BillingFixtures(DataSource ds) {
        this.ds = ds;
    }

    /** A plan with round prices, so amounts can be worked out by hand. */
    public void plan(String id, long cpu, long memory, long storage, long egress, long ingress, long internal,
            long nodeport, long loadbalancer, long allowance) throws SQLException {
        exec("""
                INSERT INTO plan (id, name, description, active, max_workspaces, cpu_request_millis, cpu_limit_millis,
                    memory_request_bytes, memory_limit_bytes, ephemeral_storage_bytes, storage_bytes, max_pods,
                    max_services, max_secrets, max_configmaps, max_pvcs, max_replication_controllers, max_nodeports,
                    max_loadbalancers, storage_classes, default_cpu_request_millis, default_cpu_limit_millis,
                    default_memory_request_bytes, default_memory_limit_bytes, price_cpu_core_hour,
                    price_memory_gib_hour, price_storage_gib_hour, price_external_egress_gib,
                    price_external_ingress_gib, price_internal_gib, price_nodeport_hour, price_loadbalancer_hour,
                    free_allowance_monthly)
                SELECT ?, 'Test ' || ?, '', false, 100, cpu_request_millis, cpu_limit_millis, memory_request_bytes,
                    memory_limit_bytes, ephemeral_storage_bytes, storage_bytes, max_pods, max_services, max_secrets,
                    max_configmaps, max_pvcs, max_replication_controllers, 2, 2, storage_classes,
                    default_cpu_request_millis, default_cpu_limit_millis, default_memory_request_bytes,
                    default_memory_limit_bytes, ?, ?, ?, ?, ?, ?, ?, ?, ?
                FROM plan WHERE id = 'free'
                ON CONFLICT (id) DO NOTHING""", id, id, cpu, memory, storage, egress, ingress, internal, nodeport,
                loadbalancer, allowance);
    }

    public UUID account(String timezone, String plan) throws SQLException {
        UUID id = UUID.randomUUID();
        exec("INSERT INTO account (id, subject, username, email, timezone, plan_id) VALUES (?, ?, ?, ?, ?, ?)", id,
                "test-" + id, "u" + id.toString().substring(0, 8), null, timezone, plan);
        return id;
    }

    public record Ws(UUID id, String namespace) {
    }

    /** A workspace owned by {@code owner}, as the database knows it (the cluster is not involved). */
    public Ws workspace(UUID owner, String plan) throws SQLException {
        UUID id = UUID.randomUUID();
        String ns = "ws-t" + id.toString().replace("-", "").substring(0, 9);
        exec("""
                INSERT INTO workspace (id, namespace, display_name, plan_id, created_by, status, observed_generation)
                VALUES (?, ?, ?, ?, ?, 'ready', 1)""", id, ns, "Test " + ns, plan, owner);
        exec("INSERT INTO workspace_member (workspace_id, account_id, role) VALUES (?, ?, 'owner')", id, owner);
        return new Ws(id, ns);
    }

    public void member(Ws ws, UUID account, String role) throws SQLException {
        exec("INSERT INTO workspace_member (workspace_id, account_id, role) VALUES (?, ?, ?)", ws.id(), account, role);
    }

    /** Hands the workspace from one member to another, in one transaction, as MembershipService.transfer does. */
    public void transfer(Ws ws, UUID from, UUID to) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            // One owner at a time (the one-owner index is checked per statement): demote before promoting.
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE workspace_member SET role = ?, updated_at = now() WHERE workspace_id = ? AND account_id = ?")) {
                ps.setString(1, "admin");
                ps.setObject(2, ws.id());
                ps.setObject(3, from);
                ps.executeUpdate();
                ps.setString(1, "owner");
                ps.setObject(3, to);
                ps.executeUpdate();
            }
            c.commit();
        }
    }

    /** One pod sample of a 60 s window starting at {@code start}. */
    public void pod(Ws ws, UUID pod, OffsetDateTime start, long cpuUsageUsec, long cpuRequestMillis,
            long memoryAvgBytes, long memoryRequestBytes, long extTx, long extRx, long intTx, long intRx)
            throws SQLException {
        exec("""
                INSERT INTO pod_usage_sample (pod_uid, window_start, window_end, node, namespace, pod_name,
                    cpu_usage_usec, memory_avg_bytes, memory_max_bytes, cpu_request_millis, memory_request_bytes,
                    net_external_tx_bytes, net_external_rx_bytes, net_internal_tx_bytes, net_internal_rx_bytes)
                VALUES (?, ?, ?, 'node-1', ?, 'pod', ?, ?, ?, ?, ?, ?, ?, ?, ?)""", pod, start, start.plusSeconds(60),
                ws.namespace(), cpuUsageUsec, memoryAvgBytes, memoryAvgBytes, cpuRequestMillis, memoryRequestBytes,
                extTx, extRx, intTx, intRx);
    }

    /** One pod sample of any window [start, end), reserving CPU and memory and using nothing. */
    public void podWindow(Ws ws, UUID pod, OffsetDateTime start, OffsetDateTime end, long cpuRequestMillis,
            long memoryRequestBytes) throws SQLException {
        exec("""
                INSERT INTO pod_usage_sample (pod_uid, window_start, window_end, node, namespace, pod_name,
                    cpu_request_millis, memory_request_bytes)
                VALUES (?, ?, ?, 'node-1', ?, 'pod', ?, ?)""", pod, start, end, ws.namespace(), cpuRequestMillis,
                memoryRequestBytes);
    }

    /** One edge sample (bytes through gateway pod {@code gateway}) of the 60 s window starting at {@code start}. */
    public void edge(String namespace, UUID gateway, OffsetDateTime start, long bytesIn, long bytesOut)
            throws SQLException {
        exec("""
                INSERT INTO edge_usage_sample (window_start, window_end, node, gateway_pod_uid, namespace, bytes_in,
                    bytes_out)
                VALUES (?, ?, 'node-1', ?, ?, ?, ?)""", start, start.plusSeconds(60), gateway, namespace, bytesIn,
                bytesOut);
    }

    /** One object sample of any window [start, end). */
    public void objectWindow(Ws ws, UUID uid, String kind, OffsetDateTime start, OffsetDateTime end, long quantity)
            throws SQLException {
        exec("""
                INSERT INTO object_usage_sample (object_uid, kind, window_start, window_end, namespace, name, quantity)
                VALUES (?, ?, ?, ?, ?, 'obj', ?)""", uid, kind, start, end, ws.namespace(), quantity);
    }

    /** The same pod for {@code minutes} consecutive 60-s windows from {@code start}. */
    public void podFor(Ws ws, UUID pod, OffsetDateTime start, int minutes, long cpuUsageUsec, long cpuRequestMillis,
            long memoryAvgBytes, long memoryRequestBytes) throws SQLException {
        for (int i = 0; i < minutes; i++) {
            pod(ws, pod, start.plusMinutes(i), cpuUsageUsec, cpuRequestMillis, memoryAvgBytes, memoryRequestBytes, 0,
                    0, 0, 0);
        }
    }

    /** An object (PVC or Service) present for {@code minutes} windows from {@code start}. */
    public void object(Ws ws, UUID uid, String kind, OffsetDateTime start, int minutes, long quantity)
            throws SQLException {
        for (int i = 0; i < minutes; i++) {
            exec("""
                    INSERT INTO object_usage_sample (object_uid, kind, window_start, window_end, namespace, name, quantity)
                    VALUES (?, ?, ?, ?, ?, 'obj', ?)""",
                    uid, kind, start.plusMinutes(i), start.plusMinutes(i + 1),
                    ws.namespace(), quantity);
        }
    }

    public long balance(UUID account) throws SQLException {
        try (Connection c = ds.getConnection()) {
            return Ledger.balance(c, account);
        }
    }

    public long charged(Ws ws, OffsetDateTime hour, String line) throws SQLException {
        return scalar(
                "SELECT coalesce(sum(amount_micro), 0) FROM rating_line WHERE workspace_id = ? AND hour_start = ? "
                        + "AND line = ?",
                ws.id(), hour, line);
    }

    public long scalar(String sql, Object... params) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    public void exec(String sql, Object... params) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }

    /** Rates the hour as the backend does: staged, then its shards in parallel transactions. */
    public Rating.Result rate(OffsetDateTime hour) throws SQLException {
        return Arc.container().instance(BillingRuns.class).get().rateHour(hour);
    }
}
