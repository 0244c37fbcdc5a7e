package io.berth.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.berth.testing.RealStack;

/**
 * Upgrading a database that was rating before V9: its allowance credits get the hour they paid for (from the charges
 * of the same run), and the owner history starts with today's owners. In a schema of its own, migrated to V8, filled
 * as the rating of V8 filled it, then migrated on.
 */
class MigrationV9IT {

    private final String schema = "v9_upgrade_" + UUID.randomUUID().toString().substring(0, 8);

    @BeforeEach
    void toV8() {
        flyway().target("8").load().migrate();
    }

    @AfterEach
    void drop() throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute("DROP SCHEMA " + schema + " CASCADE");
        }
    }

    @Test
    void creditsOfV8GetTheHourTheyPaidForAndTheOwnerHistoryStartsWithTodaysOwners() throws SQLException {
        UUID account = UUID.randomUUID();
        UUID ws = UUID.randomUUID();
        String run = UUID.randomUUID().toString();
        UUID charge = UUID.randomUUID();
        UUID allowance = UUID.randomUUID();
        OffsetDateTime hour = OffsetDateTime.parse("2026-11-30T23:00:00Z");
        try (Connection c = connect()) {
            exec(c, "INSERT INTO account (id, subject, username) VALUES (?, ?, 'upgrade')", account, "up-" + account);
            exec(c, """
                    INSERT INTO workspace (id, namespace, display_name, plan_id, created_by, status)
                    VALUES (?, ?, 'upgrade', 'free', ?, 'ready')""", ws, "ws-up" + schema.substring(11), account);
            exec(c, "INSERT INTO workspace_member (workspace_id, account_id, role) VALUES (?, ?, 'owner')", ws,
                    account);
            // What V8's rating wrote for the last hour of November: the charge, its line, and the allowance, the
            // allowance's key naming only its month and run.
            exec(c, "INSERT INTO ledger_transaction (id, kind, account_id, idem_key, description) VALUES "
                    + "(?, 'charge', ?, ?, 'usage'), (?, 'free_allowance', ?, ?, 'allowance')", charge, account,
                    "charge:" + ws + ":2026-11-30T23:" + run, allowance, account,
                    "allowance:" + account + ":2026-11:" + run);
            exec(c, """
                    INSERT INTO ledger_entry (transaction_id, account_id, system_account, amount_micro)
                    VALUES (?, ?, NULL, -30000), (?, NULL, 'revenue', 30000),
                           (?, ?, NULL, 30000), (?, NULL, 'promotions', -30000)""", charge, account, charge,
                    allowance, account, allowance);
            exec(c, """
                    INSERT INTO rating_line (workspace_id, hour_start, line, revision, account_id, plan_id, quantity,
                                             unit, unit_price_micro, amount_micro, transaction_id)
                    VALUES (?, ?, 'cpu', 1, ?, 'free', 3600000000, 'core-us', 30000, 30000, ?)""", ws, hour,
                    account, charge);
        }

        flyway().load().migrate();

        try (Connection c = connect()) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT account_id, month, hour_start FROM allowance_credit WHERE transaction_id = ?")) {
                ps.setObject(1, allowance);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getObject(1, UUID.class)).isEqualTo(account);
                    assertThat(rs.getString(2)).isEqualTo("2026-11");
                    assertThat(rs.getObject(3, OffsetDateTime.class)).isEqualTo(hour);
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT account_id FROM workspace_owner_history WHERE workspace_id = ?")) {
                ps.setObject(1, ws);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getObject(1, UUID.class)).isEqualTo(account);
                    assertThat(rs.next()).as("one entry").isFalse();
                }
            }
            assertThat(Ledger.drift(c)).isEmpty();
        }
    }

    private org.flywaydb.core.api.configuration.FluentConfiguration flyway() {
        return Flyway.configure().dataSource(RealStack.get("DATABASE_URL"), RealStack.get("DATABASE_USER"),
                RealStack.get("DATABASE_PASSWORD")).schemas(schema).locations("classpath:db/migration");
    }

    private Connection connect() throws SQLException {
        Connection c = DriverManager.getConnection(RealStack.get("DATABASE_URL"), RealStack.get("DATABASE_USER"),
                RealStack.get("DATABASE_PASSWORD"));
        try (Statement st = c.createStatement()) {
            st.execute("SET search_path TO " + schema);
        }
        return c;
    }

    private static void exec(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }
}
