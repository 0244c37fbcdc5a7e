package io.berth.billing;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The double-entry ledger, on a JDBC connection of the caller's transaction. Posting is idempotent on the
 * transaction's key: posting the same key again changes nothing. The customer's balance moves in the same statement
 * sequence as the entries, so balance and ledger cannot disagree.
 */
public final class Ledger {

    private Ledger() {
    }

    public record Posted(UUID transactionId, boolean created) {
    }

    public record Drift(String problem, String subject, long expected, long actual) {
    }

    public static Posted post(Connection c, Posting p) throws SQLException {
        UUID id = UUID.randomUUID();
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO ledger_transaction (id, kind, account_id, idem_key, description, reason, created_by)
                VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (idem_key) DO NOTHING""")) {
            ps.setObject(1, id);
            ps.setString(2, p.kind().name());
            ps.setObject(3, p.accountId());
            ps.setString(4, p.idemKey());
            ps.setString(5, p.description());
            ps.setString(6, p.reason());
            ps.setObject(7, p.createdBy());
            if (ps.executeUpdate() == 0) {
                return new Posted(existing(c, p.idemKey()), false);
            }
        }
        // All legs in one statement: the balance check runs once per statement and sees the transaction whole.
        StringBuilder sql = new StringBuilder(
                "INSERT INTO ledger_entry (transaction_id, account_id, system_account, amount_micro) VALUES ");
        for (int i = 0; i < p.legs().size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("(?, ?, ?, ?)");
        }
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 1;
            for (Posting.Leg leg : p.legs()) {
                ps.setObject(i++, id);
                ps.setObject(i++, leg.accountId());
                ps.setString(i++, leg.system() == null ? null : leg.system().name());
                ps.setLong(i++, leg.amountMicro());
            }
            ps.executeUpdate();
        }
        for (Posting.Leg leg : p.legs()) {
            if (leg.accountId() != null) {
                addToBalance(c, leg.accountId(), leg.amountMicro());
            }
        }
        return new Posted(id, true);
    }

    static void addToBalance(Connection c, UUID account, long delta) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                """
                        INSERT INTO account_balance (account_id, balance_micro) VALUES (?, ?)
                        ON CONFLICT (account_id) DO UPDATE SET balance_micro = account_balance.balance_micro + excluded.balance_micro,
                            updated_at = now()""")) {
            ps.setObject(1, account);
            ps.setLong(2, delta);
            ps.executeUpdate();
        }
    }

    public static long balance(Connection c, UUID account) throws SQLException {
        try (PreparedStatement ps = c
                .prepareStatement("SELECT balance_micro FROM account_balance WHERE account_id = ?")) {
            ps.setObject(1, account);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /** Everything that breaks an invariant of the ledger; empty when all is well. */
    public static List<Drift> drift(Connection c) throws SQLException {
        List<Drift> out = new ArrayList<>();
        try (PreparedStatement ps = c
                .prepareStatement("SELECT problem, subject, expected, actual FROM berth_ledger_drift()");
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Drift(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4)));
            }
        }
        return out;
    }

    private static UUID existing(Connection c, String idemKey) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM ledger_transaction WHERE idem_key = ?")) {
            ps.setString(1, idemKey);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getObject(1, UUID.class);
            }
        }
    }
}
