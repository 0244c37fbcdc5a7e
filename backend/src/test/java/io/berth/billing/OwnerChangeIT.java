package io.berth.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
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
     * An hour at 10:00 UTC of a random day years back, which no other test rates: the runs of a test stage its own
     * workspaces alone, so a held lock blocks only them.
     */
    private static OffsetDateTime lonelyHour() {
        return OffsetDateTime.parse("2016-01-01T10:00:00Z").plusDays(ThreadLocalRandom.current().nextInt(5 * 365));
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
