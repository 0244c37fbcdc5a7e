package io.berth.agent.it;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.flywaydb.core.Flyway;

import io.berth.testing.RealStack;

/**
 * The stack's real PostgreSQL. The backend migrates it when it runs; agent tests migrate it themselves with the same
 * scripts (db/migrations, on the agent's classpath as db/migration), all of them: the sample tables' keys and indexes
 * change in later scripts (V8), and the agent must be tested against the schema it meets in production.
 */
final class AgentDb {

    private static boolean migrated;

    private AgentDb() {
    }

    static synchronized void migrate() {
        if (!migrated) {
            flyway(url()).migrate();
            migrated = true;
        }
    }

    static Flyway flyway(String url) {
        return Flyway.configure().dataSource(url, user(), password()).locations("classpath:db/migration").load();
    }

    static String url() {
        return RealStack.get("DATABASE_URL");
    }

    static String user() {
        return RealStack.get("DATABASE_USER");
    }

    static String password() {
        return RealStack.get("DATABASE_PASSWORD");
    }

    /**
     * Settings and environment that point an agent at this database as the role it is deployed with (may only insert
     * samples), the password only in the environment.
     */
    static Map<String, String> settings() {
        return Map.of("quarkus.datasource.jdbc.url", url(), "quarkus.datasource.username",
                RealStack.get("AGENT_DATABASE_USER"));
    }

    static Map<String, String> env() {
        return Map.of("QUARKUS_DATASOURCE_PASSWORD", RealStack.get("AGENT_DATABASE_PASSWORD"));
    }

    static List<Map<String, Object>> query(String sql, Object... params) {
        try (Connection c = DriverManager.getConnection(url(), user(), password());
                PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet r = s.executeQuery()) {
                ResultSetMetaData md = r.getMetaData();
                while (r.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        row.put(md.getColumnLabel(i), r.getObject(i));
                    }
                    rows.add(row);
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    static long scalar(String sql, Object... params) {
        Object v = query(sql, params).get(0).values().iterator().next();
        return v == null ? 0 : ((Number) v).longValue();
    }

    /** A pod's totals over all its rows. */
    static Map<String, Object> totals(String podUid) {
        return query("SELECT count(*) AS windows, coalesce(sum(cpu_usage_usec),0) AS cpu_usec,"
                + " coalesce(max(memory_max_bytes),0) AS mem_max, coalesce(sum(io_read_bytes),0) AS io_read,"
                + " coalesce(sum(io_write_bytes),0) AS io_write,"
                + " coalesce(sum(net_internal_tx_bytes),0) AS int_tx, coalesce(sum(net_internal_rx_bytes),0) AS int_rx,"
                + " coalesce(sum(net_external_tx_bytes),0) AS ext_tx, coalesce(sum(net_external_rx_bytes),0) AS ext_rx,"
                + " coalesce(sum(net_internal_tx_packets),0) AS int_tx_p, coalesce(sum(net_internal_rx_packets),0) AS int_rx_p,"
                + " coalesce(sum(net_external_tx_packets),0) AS ext_tx_p, coalesce(sum(net_external_rx_packets),0) AS ext_rx_p"
                + " FROM pod_usage_sample WHERE pod_uid = ?::uuid", podUid).get(0);
    }

    /** What the pod's counters moved between two {@link #totals} (windows included). */
    static Map<String, Object> since(Map<String, Object> before, Map<String, Object> after) {
        Map<String, Object> moved = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : after.entrySet()) {
            moved.put(e.getKey(), num(after, e.getKey()) - num(before, e.getKey()));
        }
        return moved;
    }

    static long num(Map<String, Object> row, String key) {
        return ((Number) row.get(key)).longValue();
    }
}
