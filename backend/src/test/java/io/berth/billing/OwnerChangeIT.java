package io.berth.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.berth.common.Sql;
import io.berth.testing.RealStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A team workspace changing owner while rating runs: who pays, at which prices, and what the ledger check sees. Runs
 * are made to overlap deterministically by holding a shard's advisory lock from a second connection.
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class OwnerChangeIT {

    private static final Duration PATIENCE = Duration.ofSeconds(30);

    @Inject
    AgroalDataSource ds;
    BillingFixtures f;

    @BeforeEach
    void fixtures() throws Exception {
        f = new BillingFixtures(ds);
        // cpu 1.00/core-h
        f.plan("ratetest", 1_000_000, 100_000, 10_000, 500_000, 200_000, 0, 30_000, 40_000, 0);
    }

    /**
     * A run stages the hour while A owns the workspace and waits for A's shard; meanwhile B becomes the owner and a
     * late sample arrives, and a fresh run stages the hour again; then A's shard is let go. The late sample is charged
     * once, to B (the owner when it is rated), and nobody is credited anything.
     */
    @Test
    void aLateSampleRatedAcrossAnOwnerChangeIsChargedOnceToTheNewOwnerAndCreditsNobody() throws Exception {
        UUID a = f.account("UTC", "ratetest");
        UUID b = f.account("UTC", "ratetest");
        while (shard(b) == shard(a)) {
            b = f.account("UTC", "ratetest");
        }
        UUID newOwner = b;
        var ws = f.workspace(a, "ratetest");
        f.member(ws, b, "admin");
        OffsetDateTime hour = lonelyHour();
        UUID pod = UUID.randomUUID();
        f.podFor(ws, pod, hour, 30, 60_000_000, 0, 0, 0); // half an hour of one core
        f.rate(hour);
        assertThat(f.charged(ws, hour, "cpu")).isEqualTo(500_000);
        long aBefore = f.balance(a);
        long bBefore = f.balance(b);
        long lock = Rating.shardLock((int) shard(a));

        ExecutorService pool = Executors.newFixedThreadPool(3);
        try (Connection holder = ds.getConnection()) {
            holder.setAutoCommit(false);
            try (Statement st = holder.createStatement()) {
                st.execute("SELECT pg_advisory_xact_lock(" + lock + ")");
            }
            Future<Rating.Result> stale = pool.submit(() -> f.rate(hour));
            awaitWaitingOrDone(stale, lock, 1);
            assertThat(stale).as("the first run waits for A's shard").isNotDone();
            Future<?> transfer = pool.submit(() -> {
                f.transfer(ws, a, newOwner);
                return null;
            });
            awaitWaitingOrDone(transfer, lock, 2);
            assertThat(transfer).as("the owner change waits for A's shard, which a run is about to rate").isNotDone();
            for (int i = 30; i < 40; i++) { // ten more core-minutes arrive late
                f.pod(ws, pod, hour.plusMinutes(i), 60_000_000, 0, 0, 0, 0, 0, 0, 0);
            }
            Future<Rating.Result> fresh = pool.submit(() -> f.rate(hour));
            awaitWaitingOrDone(fresh, lock, 3);
            holder.rollback();
            stale.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            transfer.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
            fresh.get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
        } finally {
            pool.shutdownNow();
        }
        f.rate(hour); // the next run

        // 40 core-minutes: round(2/3 × 1.00) = 0.666667, of which A paid 0.500000 for the first 30
        assertThat(f.charged(ws, hour, "cpu")).isEqualTo(666_667);
        assertThat(f.balance(a)).as("A, who paid for what was rated while it owned the workspace").isEqualTo(aBefore);
        assertThat(f.balance(b)).as("B, who owns the workspace when the late sample is rated").isEqualTo(
                bBefore - 166_667);
        assertThat(revisions(ws)).containsExactly(a + " 500000", b + " 166667");
        assertNoDrift();
    }

    /**
     * The steps of a run driven one by one: the owner changes after the hour was staged and before its shard is rated.
     * The shard that staged the workspace charges nobody and hands it to the new owner's shard, which charges B.
     */
    @Test
    void aWorkspaceWhoseOwnerChangedAfterTheStagingIsRatedInTheNewOwnersShard() throws Exception {
        UUID a = f.account("UTC", "ratetest");
        UUID b = f.account("UTC", "ratetest");
        while (shard(b) == shard(a)) {
            b = f.account("UTC", "ratetest");
        }
        var ws = f.workspace(a, "ratetest");
        f.member(ws, b, "admin");
        OffsetDateTime hour = lonelyHour();
        f.podFor(ws, UUID.randomUUID(), hour, 60, 60_000_000, 0, 0, 0);
        long aBefore = f.balance(a);
        long bBefore = f.balance(b);
        int shardA = (int) shard(a);
        int shardB = (int) shard(b);
        UUID run = UUID.randomUUID();
        UUID handedOver = UUID.randomUUID();
        List<Integer> staged = inTransaction(c -> Rating.stage(c, hour, run));
        assertThat(staged).containsExactly(shardA);

        f.transfer(ws, a, b);
        Set<Integer> movedTo = new TreeSet<>();
        Rating.Result first = inTransaction(
                c -> Rating.rateShard(c, hour, run, shardA, new HashSet<>(), handedOver, movedTo));
        assertThat(first.lines()).isZero();
        assertThat(movedTo).containsExactly(shardB);
        Rating.Result second = inTransaction(
                c -> Rating.rateShard(c, hour, handedOver, shardB, new HashSet<>(), UUID.randomUUID(),
                        new TreeSet<>()));
        inTransaction(c -> {
            Rating.unstage(c, run);
            Rating.unstage(c, handedOver);
            return null;
        });

        assertThat(second.chargedMicro()).isEqualTo(1_000_000);
        assertThat(f.balance(a)).isEqualTo(aBefore);
        assertThat(f.balance(b)).isEqualTo(bBefore - 1_000_000);
        assertThat(revisions(ws)).containsExactly(b + " 1000000");
        assertNoDrift();
    }

    /**
     * A run that staged the hour before a late sample arrived, and is rated after a fresher run charged that sample,
     * writes nothing: its smaller quantity is stale, never a reason to credit.
     */
    @Test
    void aStaleStagingBelowWhatIsBilledWritesNothing() throws Exception {
        UUID a = f.account("UTC", "ratetest");
        var ws = f.workspace(a, "ratetest");
        OffsetDateTime hour = lonelyHour();
        UUID pod = UUID.randomUUID();
        f.podFor(ws, pod, hour, 30, 60_000_000, 0, 0, 0);
        f.rate(hour);
        UUID stale = UUID.randomUUID();
        List<Integer> shards = inTransaction(c -> Rating.stage(c, hour, stale));
        for (int i = 30; i < 60; i++) {
            f.pod(ws, pod, hour.plusMinutes(i), 60_000_000, 0, 0, 0, 0, 0, 0, 0);
        }
        f.rate(hour);
        long after = f.balance(a);

        Rating.Result late = inTransaction(c -> Rating.rateShard(c, hour, stale, shards.get(0), new HashSet<>(),
                UUID.randomUUID(), new TreeSet<>()));
        inTransaction(c -> {
            Rating.unstage(c, stale);
            return null;
        });
        f.rate(hour);

        assertThat(late.lines()).isZero();
        assertThat(f.balance(a)).isEqualTo(after);
        assertThat(revisions(ws)).containsExactly(a + " 500000", a + " 500000");
        assertNoDrift();
    }

    /**
     * After a change of owner the workspace's usage is still priced by the workspace's plan (for an hour already
     * rated: at that hour's first prices), whoever pays; the free allowance is the paying account's, from its plan.
     */
    @Test
    void afterAnOwnerChangeTheWorkspacesPlanPricesItsUsageAndThePayersPlanGivesTheAllowance() throws Exception {
        f.plan("ocworkspace", 1_000_000, 0, 0, 0, 0, 0, 0, 0, 0); // cpu 1.00/core-h, no allowance
        f.plan("ocpayer", 3_000_000, 0, 0, 0, 0, 0, 0, 0, 100_000); // cpu 3.00/core-h, allowance 0.10 a month
        UUID a = f.account("UTC", "ocworkspace");
        UUID b = f.account("UTC", "ocpayer");
        var ws = f.workspace(a, "ocworkspace");
        f.member(ws, b, "admin");
        OffsetDateTime hour = lonelyHour();
        UUID pod = UUID.randomUUID();
        f.podFor(ws, pod, hour, 30, 60_000_000, 0, 0, 0);
        long aBefore = f.balance(a);
        long bBefore = f.balance(b);
        f.rate(hour);
        f.transfer(ws, a, b);
        for (int i = 30; i < 40; i++) { // ten core-minutes of the hour before the change arrive late
            f.pod(ws, pod, hour.plusMinutes(i), 60_000_000, 0, 0, 0, 0, 0, 0, 0);
        }
        f.podFor(ws, UUID.randomUUID(), hour.plusHours(1), 60, 60_000_000, 0, 0, 0);

        f.rate(hour);
        f.rate(hour.plusHours(1));

        // A: half a core-hour at the workspace plan's 1.00, rated while it owned the workspace; no allowance on its plan
        assertThat(f.balance(a)).isEqualTo(aBefore - 500_000);
        // B: the late ten core-minutes at 1.00 (round(2/3) − 0.50 = 0.166667), of which its plan's allowance pays
        // 0.10, all there is this month; then the next hour, a core-hour at 1.00 (the workspace's plan, not B's 3.00)
        assertThat(f.balance(b)).isEqualTo(bBefore - 166_667 + 100_000 - 1_000_000);
        assertThat(revisions(ws)).containsExactly(a + " 500000", b + " 166667", b + " 1000000");
        assertThat(f.scalar("SELECT count(*) FROM rating_line WHERE workspace_id = ? AND plan_id = 'ocworkspace' "
                + "AND unit_price_micro = 1000000", ws.id())).isEqualTo(3);
        assertThat(f.scalar("SELECT coalesce(sum(e.amount_micro), 0) FROM allowance_credit c JOIN ledger_entry e "
                + "ON e.transaction_id = c.transaction_id AND e.account_id = c.account_id WHERE c.account_id = ?", b))
                .isEqualTo(100_000);
        assertNoDrift();
    }

    /**
     * Case 1 of issue 13, made by hand: after B took the workspace over, B charged for a late sample, A credited the
     * same amount by a stale run, B charged again. Every transaction balances, every balance and every charge matches
     * its entries and lines, and the line's total is right; only the line-by-line owner check sees A credited while B
     * owned the workspace.
     */
    @Test
    void theLedgerCheckFlagsALineOnAnAccountThatDidNotOwnTheWorkspaceWhenItWasRated() throws Exception {
        UUID a = f.account("UTC", "ratetest");
        UUID b = f.account("UTC", "ratetest");
        var ws = f.workspace(a, "ratetest");
        f.member(ws, b, "admin");
        OffsetDateTime hour = lonelyHour();
        f.podFor(ws, UUID.randomUUID(), hour, 30, 60_000_000, 0, 0, 0);
        f.rate(hour);
        f.transfer(ws, a, b);

        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                postLine(c, ws, hour, 2, b, 166_667);
                postLine(c, ws, hour, 3, a, -166_667);
                postLine(c, ws, hour, 4, b, 166_667);

                assertThat(Ledger.drift(c)).singleElement().satisfies(d -> {
                    assertThat(d.problem()).isEqualTo("rating line on an account that did not own the workspace");
                    assertThat(d.subject()).startsWith(ws.id() + " ")
                            .endsWith(" cpu revision 3 on " + a + ", owner " + b);
                    assertThat(d.actual()).isEqualTo(-166_667);
                });
            } finally {
                c.rollback();
            }
        }
        assertNoDrift();
    }

    /** A negative line on an account that was never charged for that line is a refund of money nobody paid. */
    @Test
    void theLedgerCheckFlagsACreditToAnAccountNeverChargedForTheLine() throws Exception {
        UUID a = f.account("UTC", "ratetest");
        var ws = f.workspace(a, "ratetest");
        OffsetDateTime hour = lonelyHour();

        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                postLine(c, ws, hour, 1, a, -250_000);

                assertThat(Ledger.drift(c)).singleElement().satisfies(d -> {
                    assertThat(d.problem()).isEqualTo("credit beyond what the account was charged for the line");
                    assertThat(d.subject()).startsWith(ws.id() + " ").endsWith(" cpu on " + a);
                    assertThat(d.actual()).isEqualTo(-250_000);
                });
            } finally {
                c.rollback();
            }
        }
        assertNoDrift();
    }

    /**
     * A cpu line of the hour and its charge, written as rating writes them (a negative amount is a credit), in the
     * caller's transaction.
     */
    private static void postLine(Connection c, BillingFixtures.Ws ws, OffsetDateTime hour, int revision, UUID account,
            long amount) throws SQLException {
        UUID tx = UUID.randomUUID();
        Sql.update(c, """
                INSERT INTO ledger_transaction (id, kind, account_id, idem_key, description)
                VALUES (?, 'charge', ?, ?, 'by hand')""", tx, account, "charge:" + ws.id() + ":by-hand:" + tx);
        Sql.update(c, """
                INSERT INTO ledger_entry (transaction_id, account_id, system_account, amount_micro)
                VALUES (?, ?, NULL, ?), (?, NULL, 'revenue', ?)""", tx, account, -amount, tx, amount);
        Ledger.addToBalance(c, account, -amount);
        // at 1.00 per core-hour, amount µ = quantity core-µs / 3600
        Sql.update(c, """
                INSERT INTO rating_line (workspace_id, hour_start, line, revision, account_id, plan_id, quantity, unit,
                                         unit_price_micro, amount_micro, transaction_id)
                VALUES (?, ?, 'cpu', ?, ?, 'ratetest', ?, 'core-us', 1000000, ?, ?)""", ws.id(), hour, revision,
                account, BigDecimal.valueOf(amount * 3600), amount, tx);
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T inTransaction(Work<T> work) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /**
     * Waits until {@code work} has finished or {@code waiters} transactions wait for the advisory lock {@code key}.
     */
    private void awaitWaitingOrDone(Future<?> work, long key, int waiters) throws Exception {
        long deadline = System.nanoTime() + PATIENCE.toNanos();
        while (!work.isDone() && f.scalar("""
                SELECT count(*) FROM pg_locks
                WHERE locktype = 'advisory' AND NOT granted AND ((classid::bigint << 32) | objid::bigint) = ?""",
                key) < waiters) {
            assertThat(System.nanoTime()).as("waiting for %d waiter(s) on lock %d", waiters, key).isLessThan(
                    deadline);
            Thread.sleep(20);
        }
    }

    /** The account and amount of each revision of the workspace's lines, in revision order. */
    private List<String> revisions(BillingFixtures.Ws ws) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = ds.getConnection();
                var ps = c.prepareStatement(
                        "SELECT account_id, amount_micro FROM rating_line WHERE workspace_id = ? ORDER BY hour_start, line, "
                                + "revision")) {
            ps.setObject(1, ws.id());
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getObject(1, UUID.class) + " " + rs.getLong(2));
                }
            }
        }
        return out;
    }

    /**
     * An hour at 10:00 UTC of a random day years ahead, which no other test rates: the runs of a test stage its own
     * workspaces alone, so a held lock blocks only them. (Ahead, not back: the hourly job of a fresh database starts
     * at the earliest sample and would rate every hour since.)
     */
    private static OffsetDateTime lonelyHour() {
        return OffsetDateTime.parse("2031-01-01T10:00:00Z").plusDays(ThreadLocalRandom.current().nextInt(5 * 365));
    }

    private long shard(UUID account) throws Exception {
        return f.scalar("SELECT get_byte(uuid_send(?::uuid), 15) % " + Rating.SHARDS, account.toString());
    }

    private void assertNoDrift() throws Exception {
        try (Connection c = ds.getConnection()) {
            assertThat(Ledger.drift(c)).isEmpty();
        }
    }
}
