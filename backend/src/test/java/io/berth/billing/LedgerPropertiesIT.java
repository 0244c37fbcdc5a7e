package io.berth.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.flywaydb.core.Flyway;

import io.berth.testing.RealStack;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Property: whatever mix of operations happens (top-ups, usage that is rated into charges, late usage rated again
 * into adjustments, credits, refunds, debits, vouchers, replays of earlier keys, and attempts to post unbalanced
 * transactions), every transaction balances, every balance equals the sum of its account's entries and what an
 * independent model of prices and rounding expects, each key is posted once, and a refused posting leaves nothing
 * behind. Runs on the real PostgreSQL, with its triggers and the real rating SQL.
 */
class LedgerPropertiesIT {

    enum Kind {
        topup, charge, credit, refund, debit, voucher, replay, unbalanced
    }

    record Op(Kind kind, int account, long amount, int replayOf) {
    }

    /** An odd price per core-hour, so that rounding matters. */
    static final long PRICE = 1_000_003;
    static final OffsetDateTime FIRST_HOUR = OffsetDateTime.parse("2020-03-01T00:00:00Z");

    @BeforeContainer
    static void migrate() throws SQLException {
        Flyway.configure().dataSource(RealStack.get("DATABASE_URL"), RealStack.get("DATABASE_USER"),
                RealStack.get("DATABASE_PASSWORD")).locations("classpath:db/migration").load().migrate();
        try (Connection c = connect()) {
            c.createStatement().execute("""
                    INSERT INTO plan (id, name, max_workspaces, cpu_request_millis, cpu_limit_millis,
                        memory_request_bytes, memory_limit_bytes, ephemeral_storage_bytes, storage_bytes, max_pods,
                        max_services, max_secrets, max_configmaps, max_pvcs, max_replication_controllers,
                        default_cpu_request_millis, default_cpu_limit_millis, default_memory_request_bytes,
                        default_memory_limit_bytes, price_cpu_core_hour, active)
                    VALUES ('proptest', 'Property test', 100, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, %d, false)
                    ON CONFLICT DO NOTHING""".formatted(PRICE));
        }
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(RealStack.get("DATABASE_URL"), RealStack.get("DATABASE_USER"),
                RealStack.get("DATABASE_PASSWORD"));
    }

    @Provide
    Arbitrary<List<Op>> tenThousand() {
        return op().list().ofSize(10_000);
    }

    @Provide
    Arbitrary<List<Op>> some() {
        return op().list().ofMinSize(1).ofMaxSize(300);
    }

    private Arbitrary<Op> op() {
        return Combinators.combine(Arbitraries.of(Kind.class), Arbitraries.integers().between(0, 4),
                Arbitraries.longs().between(1, 50_000_000L), Arbitraries.integers().between(0, 10_000))
                .as(Op::new);
    }

    @Property(tries = 1)
    void tenThousandOperationsKeepEveryInvariant(@ForAll("tenThousand") List<Op> ops) throws SQLException {
        check(ops);
    }

    @Property(tries = 25)
    void shorterMixesKeepEveryInvariant(@ForAll("some") List<Op> ops) throws SQLException {
        check(ops);
    }

    /**
     * The ledger's references are checked per statement (V7), not by foreign keys: an entry of a transaction that does
     * not exist, or a transaction or entry of an account that does not exist, is refused; an account with ledger
     * history cannot be deleted.
     */
    @Example
    void ledgerRowsMustNameWhatExistsAndKeepTheirAccount() throws SQLException {
        try (Connection c = connect()) {
            UUID account = UUID.randomUUID();
            exec(c, "INSERT INTO account (id, subject, username, plan_id) VALUES (?, ?, 'refs', 'proptest')", account,
                    "refs-" + account);
            Ledger.post(c, Posting.toCustomer(Posting.Kind.topup, account, 5, Posting.SystemAccount.payments,
                    "refs:" + account, "top-up", null, null));
            UUID ghostTx = UUID.randomUUID();
            UUID ghostAccount = UUID.randomUUID();

            assertRefused(c, "ledger entry names transaction " + ghostTx, """
                    INSERT INTO ledger_entry (transaction_id, account_id, system_account, amount_micro)
                    VALUES (?, NULL, 'payments', 1), (?, NULL, 'revenue', -1)""", ghostTx, ghostTx);
            assertRefused(c, "ledger transaction names account " + ghostAccount, """
                    INSERT INTO ledger_transaction (id, kind, account_id, idem_key, description)
                    VALUES (?, 'credit', ?, ?, 'ghost')""", ghostTx, ghostAccount, "ghost:" + ghostTx);
            c.setAutoCommit(false);
            exec(c, """
                    INSERT INTO ledger_transaction (id, kind, account_id, idem_key, description)
                    VALUES (?, 'credit', ?, ?, 'ghost')""", ghostTx, account, "ghost:" + ghostTx);
            assertRefused(c, "ledger entry names account " + ghostAccount, """
                    INSERT INTO ledger_entry (transaction_id, account_id, system_account, amount_micro)
                    VALUES (?, ?, NULL, 1), (?, NULL, 'adjustments', -1)""", ghostTx, ghostAccount, ghostTx);
            c.rollback();
            c.setAutoCommit(true);
            assertRefused(c, "account " + account + " has ledger history and cannot be deleted",
                    "DELETE FROM account WHERE id = ?", account);
            assertThat(Ledger.balance(c, account)).isEqualTo(5);
        }
    }

    private static void assertRefused(Connection c, String message, String sql, Object... params) {
        assertThatThrownBy(() -> exec(c, sql, params)).isInstanceOfSatisfying(SQLException.class,
                e -> assertThat(e.getSQLState()).as("foreign_key_violation").isEqualTo("23503"))
                .hasMessageContaining(message);
    }

    private void check(List<Op> ops) throws SQLException {
        try (Connection c = connect()) {
            c.createStatement().execute("SET synchronous_commit = off");
            List<UUID> accounts = new ArrayList<>();
            List<String> namespaces = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                UUID id = UUID.randomUUID();
                String ns = "ws-p" + id.toString().replace("-", "").substring(0, 9);
                UUID ws = UUID.randomUUID();
                exec(c, "INSERT INTO account (id, subject, username, plan_id) VALUES (?, ?, ?, 'proptest')", id,
                        "prop-" + id, "prop" + i);
                exec(c, """
                        INSERT INTO workspace (id, namespace, display_name, plan_id, created_by, status,
                                               observed_generation)
                        VALUES (?, ?, 'prop', 'proptest', ?, 'ready', 1)""", ws, ns, id);
                exec(c, "INSERT INTO workspace_member (workspace_id, account_id, role) VALUES (?, ?, 'owner')", ws, id);
                accounts.add(id);
                namespaces.add(ns);
            }
            // usage per (account, hour) in core-µs: the model charges round(usage × price / 3.6e9) half up per hour
            Map<String, Long> usage = new HashMap<>();
            c.setAutoCommit(false);
            Map<UUID, Long> expected = new HashMap<>();
            List<Posting> posted = new ArrayList<>();
            int created = 0;
            for (Op op : ops) {
                UUID account = accounts.get(op.account());
                if (op.kind() == Kind.unbalanced) {
                    assertUnbalancedIsRefused(c, account, op.amount());
                    continue;
                }
                if (op.kind() == Kind.charge) {
                    // Usage of one pod-minute in one of 24 hours; rating that hour again charges only the difference.
                    OffsetDateTime hour = FIRST_HOUR.plusHours(op.replayOf() % 24);
                    exec(c, """
                            INSERT INTO pod_usage_sample (pod_uid, window_start, window_end, node, namespace, pod_name,
                                                          cpu_usage_usec)
                            VALUES (?, ?, ?, 'n', ?, 'p', ?)""", UUID.randomUUID(), hour, hour.plusMinutes(1),
                            namespaces.get(op.account()), op.amount());
                    Rating.rate(c, hour, UUID.randomUUID());
                    c.commit();
                    usage.merge(op.account() + "@" + hour, op.amount(), Long::sum);
                    continue;
                }
                Posting p = op.kind() == Kind.replay && !posted.isEmpty()
                        ? posted.get(op.replayOf() % posted.size())
                        : posting(op, account);
                if (p == null) {
                    continue;
                }
                Ledger.Posted result = Ledger.post(c, p);
                c.commit();
                if (result.created()) {
                    created++;
                    posted.add(p);
                    expected.merge(p.accountId(), p.customerDelta(), Long::sum);
                } else {
                    assertThat(op.kind()).as("only a replay finds its key already posted").isEqualTo(Kind.replay);
                }
            }
            c.setAutoCommit(true);
            for (Map.Entry<String, Long> u : usage.entrySet()) {
                UUID account = accounts.get(Integer.parseInt(u.getKey().substring(0, u.getKey().indexOf('@'))));
                BigInteger exact = BigInteger.valueOf(u.getValue()).multiply(BigInteger.valueOf(PRICE));
                long rounded = exact.multiply(BigInteger.TWO).add(BigInteger.valueOf(3_600_000_000L))
                        .divide(BigInteger.valueOf(7_200_000_000L)).longValueExact();
                expected.merge(account, -rounded, Long::sum);
            }
            for (UUID account : accounts) {
                assertThat(Ledger.balance(c, account)).as("balance of " + account)
                        .isEqualTo(expected.getOrDefault(account, 0L));
            }
            assertThat(count(c, accounts, "kind <> 'charge'")).as("each key posted once").isEqualTo(created);
            assertThat(Ledger.drift(c)).as("no drift anywhere").isEmpty();
        }
    }

    private static void exec(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            ps.executeUpdate();
        }
    }

    private static Posting posting(Op op, UUID account) {
        String key = op.kind() + ":" + UUID.randomUUID();
        return switch (op.kind()) {
            case topup -> Posting.toCustomer(Posting.Kind.topup, account, op.amount(), Posting.SystemAccount.payments,
                    key, "top-up", null, null);
            case credit -> Posting.toCustomer(Posting.Kind.credit, account, op.amount(),
                    Posting.SystemAccount.adjustments, key, "credit", "goodwill", null);
            case refund -> Posting.toCustomer(Posting.Kind.refund, account, op.amount(), Posting.SystemAccount.revenue,
                    key, "refund", "refund", null);
            case debit -> Posting.fromCustomer(Posting.Kind.adjustment, account, op.amount(),
                    Posting.SystemAccount.adjustments, key, "debit", "correction", null);
            case voucher -> Posting.toCustomer(Posting.Kind.voucher, account, op.amount(),
                    Posting.SystemAccount.promotions, key, "voucher", null, null);
            case replay -> Posting.toCustomer(Posting.Kind.topup, account, op.amount(), Posting.SystemAccount.payments,
                    key, "top-up", null, null);
            case charge, unbalanced -> null;
        };
    }

    /** Entries that do not sum to zero are refused by the database, and the transaction leaves nothing. */
    private static void assertUnbalancedIsRefused(Connection c, UUID account, long amount) throws SQLException {
        UUID tx = UUID.randomUUID();
        long before = Ledger.balance(c, account);
        assertThatThrownBy(() -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO ledger_transaction (id, kind, account_id, idem_key, description)
                    VALUES (?, 'credit', ?, ?, 'unbalanced')""")) {
                ps.setObject(1, tx);
                ps.setObject(2, account);
                ps.setString(3, "unbalanced:" + tx);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO ledger_entry (transaction_id, account_id, system_account, amount_micro)
                    VALUES (?, ?, NULL, ?), (?, NULL, 'promotions', ?)""")) {
                ps.setObject(1, tx);
                ps.setObject(2, account);
                ps.setLong(3, amount);
                ps.setObject(4, tx);
                ps.setLong(5, -amount - 1);
                ps.executeUpdate();
            }
            Ledger.addToBalance(c, account, amount);
            c.commit();
        }).isInstanceOf(SQLException.class).hasMessageContaining("does not balance");
        c.rollback();
        assertThat(Ledger.balance(c, account)).isEqualTo(before);
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM ledger_transaction WHERE id = ?")) {
            ps.setObject(1, tx);
            var rs = ps.executeQuery();
            rs.next();
            assertThat(rs.getLong(1)).isZero();
        }
    }

    private static long count(Connection c, List<UUID> accounts, String filter) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM ledger_transaction WHERE account_id = ANY (?) AND " + filter)) {
            ps.setArray(1, c.createArrayOf("uuid", accounts.toArray()));
            var rs = ps.executeQuery();
            rs.next();
            return rs.getLong(1);
        }
    }
}
