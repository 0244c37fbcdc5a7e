package io.berth.billing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.agroal.api.AgroalDataSource;
import io.berth.common.Sql;

/**
 * Drives rating: every closed hour after the cursor, however far behind (there is no catch-up cap), each in its own
 * database transaction; then every already-rated hour that received samples since the last look, as adjustments.
 * Only one instance runs at a time (a PostgreSQL advisory lock); should two start together, the second finds nothing
 * left to charge.
 */
@ApplicationScoped
public class BillingRuns {

    private static final Logger LOG = Logger.getLogger(BillingRuns.class);
    /** Samples written by a transaction that committed after a look are still found by the next one. */
    private static final Duration IN_FLIGHT = Duration.ofMinutes(5);
    /**
     * A pass rates the workspaces whose owner moved them to another shard during the pass before; each pass needs an
     * owner change that raced it, so this many in a row means something keeps changing owners.
     */
    private static final int MAX_PASSES = 2 * Rating.SHARDS;

    private final AgroalDataSource dataSource;
    private final BillingConfig config;
    private final Clock clock;

    BillingRuns(AgroalDataSource dataSource, BillingConfig config, Clock clock) {
        this.dataSource = dataSource;
        this.config = config;
        this.clock = clock;
    }

    public record Summary(List<Rating.Result> hours, Set<UUID> accounts) {
        public long chargedMicro() {
            return hours.stream().mapToLong(Rating.Result::chargedMicro).sum();
        }
    }

    /** Rates what is due; returns what it did (empty when another instance holds the lock). */
    public Summary runDue() throws SQLException {
        OffsetDateTime now = OffsetDateTime.now(clock);
        OffsetDateTime lastClosed = lastClosedHour(now, config.ratingDelay());
        List<Rating.Result> results = new ArrayList<>();
        Set<UUID> accounts = new LinkedHashSet<>();
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(true);
            if (!tryLock(c)) {
                return new Summary(results, accounts);
            }
            try {
                c.setAutoCommit(false);
                OffsetDateTime next = nextHour(c, lastClosed, now);
                c.commit();
                for (OffsetDateTime h = next; !h.isAfter(lastClosed); h = h.plusHours(1)) {
                    results.add(rateAndCommit(c, h, accounts, "last_hour = ?", h));
                }
                OffsetDateTime seenUntil = now.minus(IN_FLIGHT);
                for (OffsetDateTime h : hoursWithLateSamples(c)) {
                    results.add(rateAndCommit(c, h, accounts, null, null));
                }
                Sql.update(c, "UPDATE billing_cursor SET samples_seen_until = greatest(samples_seen_until, ?), "
                        + "updated_at = now() WHERE id = 1", seenUntil);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
                unlock(c);
            }
        }
        if (results.stream().anyMatch(r -> r.lines() > 0)) {
            LOG.infof("rated %d hour(s): %d lines, %d charges, %s %s", results.size(),
                    results.stream().mapToInt(Rating.Result::lines).sum(),
                    results.stream().mapToInt(Rating.Result::charges).sum(),
                    Money.format(results.stream().mapToLong(Rating.Result::chargedMicro).sum()), config.currency());
        }
        return new Summary(results, accounts);
    }

    /**
     * The start of the last hour that may be rated at {@code now}: an hour is closed once it has ended and the delay
     * for samples still in flight has passed.
     */
    static OffsetDateTime lastClosedHour(OffsetDateTime now, Duration delay) {
        return now.minus(delay).truncatedTo(ChronoUnit.HOURS).minusHours(1);
    }

    /** Rates one hour now, whatever the cursor says (an admin's re-run; idempotent). */
    public Rating.Result rateHour(OffsetDateTime hour) throws SQLException {
        return rateInShards(hour, new LinkedHashSet<>());
    }

    private Rating.Result rateAndCommit(Connection c, OffsetDateTime hour, Set<UUID> accounts, String cursorSet,
            OffsetDateTime cursorValue) throws SQLException {
        Rating.Result r = rateInShards(hour, accounts);
        if (cursorSet != null) {
            Sql.update(c, "UPDATE billing_cursor SET " + cursorSet + ", updated_at = now() WHERE id = 1", cursorValue);
        }
        c.commit();
        return r;
    }

    /**
     * Stages the hour's usage, then rates its shards on up to {@code rating-connections} connections at once, each
     * shard in its own transaction, and removes the staged usage. Should a shard fail, the shards that committed stay
     * (each is whole: its lines, ledger transactions and balances) and the error is thrown, so the cursor does not
     * move past the hour; rating it again charges only what the failed shard left out.
     *
     * <p>
     * A workspace whose owner changed since the staging, into another shard, is handed to that shard by the shard
     * that staged it; such workspaces are rated in a further pass, once the pass that found them has committed.
     */
    private Rating.Result rateInShards(OffsetDateTime hour, Set<UUID> accounts) throws SQLException {
        UUID runId = UUID.randomUUID();
        List<UUID> passes = new ArrayList<>(List.of(runId));
        Set<UUID> charged = ConcurrentHashMap.newKeySet();
        List<Integer> staged = inTransaction(c -> Rating.stage(c, hour, runId));
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, Math.min(config.ratingConnections(),
                staged.size())));
        try {
            Rating.Result total = Rating.Result.none(hour);
            for (List<Integer> shards = staged; !shards.isEmpty();) {
                if (passes.size() > MAX_PASSES) {
                    throw new SQLException("rating " + hour + ": owners kept changing for " + MAX_PASSES
                            + " passes; the hour is rated again on the next run");
                }
                UUID pass = passes.get(passes.size() - 1);
                UUID next = UUID.randomUUID();
                passes.add(next);
                Set<Integer> moved = ConcurrentHashMap.newKeySet();
                List<Future<Rating.Result>> running = new ArrayList<>();
                for (int shard : shards) {
                    running.add(pool.submit(() -> inTransaction(
                            c -> Rating.rateShard(c, hour, pass, shard, charged, next, moved))));
                }
                total = total.plus(await(hour, running));
                shards = moved.stream().sorted().toList();
            }
            return total;
        } finally {
            pool.shutdownNow();
            accounts.addAll(charged);
            inTransaction(c -> {
                for (UUID pass : passes) {
                    Rating.unstage(c, pass);
                }
                return null;
            });
        }
    }

    /** The shards' results added up, once every shard has finished; the first failure thrown, the others with it. */
    private static Rating.Result await(OffsetDateTime hour, List<Future<Rating.Result>> shards) throws SQLException {
        Rating.Result total = Rating.Result.none(hour);
        SQLException failure = null;
        for (Future<Rating.Result> shard : shards) {
            try {
                total = total.plus(shard.get());
            } catch (ExecutionException e) {
                SQLException cause = e.getCause() instanceof SQLException se
                        ? se
                        : new SQLException("rating a shard of " + hour + " failed", e.getCause());
                if (failure == null) {
                    failure = cause;
                } else {
                    failure.addSuppressed(cause);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SQLException("interrupted while rating " + hour, e);
            }
        }
        if (failure != null) {
            throw failure;
        }
        return total;
    }

    @FunctionalInterface
    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T inTransaction(Work<T> work) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    /**
     * The first hour to rate. A new installation starts at the earliest sample (or the last closed hour), and begins
     * looking for late samples from now.
     */
    private OffsetDateTime nextHour(Connection c, OffsetDateTime lastClosed, OffsetDateTime now) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT last_hour FROM billing_cursor WHERE id = 1 FOR UPDATE")) {
            rs.next();
            OffsetDateTime last = rs.getObject(1, OffsetDateTime.class);
            if (last != null) {
                return last.withOffsetSameInstant(ZoneOffset.UTC).plusHours(1);
            }
        }
        OffsetDateTime first = lastClosed;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("""
                SELECT least((SELECT min(window_start) FROM pod_usage_sample),
                             (SELECT min(window_start) FROM object_usage_sample),
                             (SELECT min(window_start) FROM edge_usage_sample))""")) {
            rs.next();
            OffsetDateTime earliest = rs.getObject(1, OffsetDateTime.class);
            if (earliest != null && earliest.isBefore(first)) {
                first = earliest.withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.HOURS);
            }
        }
        Sql.update(c, "UPDATE billing_cursor SET last_hour = ?, samples_seen_until = ? WHERE id = 1",
                first.minusHours(1),
                now.minus(IN_FLIGHT));
        return first;
    }

    /** Rated hours that received samples since the last look: they get adjustments. */
    private List<OffsetDateTime> hoursWithLateSamples(Connection c) throws SQLException {
        List<OffsetDateTime> hours = new ArrayList<>();
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        """
                                WITH cursor AS (SELECT last_hour, samples_seen_until FROM billing_cursor WHERE id = 1)
                                SELECT DISTINCT date_trunc('hour', s.window_start) AS hour FROM (
                                    SELECT window_start FROM pod_usage_sample, cursor
                                    WHERE received_at > cursor.samples_seen_until AND window_start < cursor.last_hour + interval '1 hour'
                                    UNION ALL
                                    SELECT window_start FROM object_usage_sample, cursor
                                    WHERE received_at > cursor.samples_seen_until AND window_start < cursor.last_hour + interval '1 hour'
                                    UNION ALL
                                    SELECT window_start FROM edge_usage_sample, cursor
                                    WHERE received_at > cursor.samples_seen_until AND window_start < cursor.last_hour + interval '1 hour'
                                ) s ORDER BY hour""")) {
            while (rs.next()) {
                hours.add(rs.getObject(1, OffsetDateTime.class).withOffsetSameInstant(ZoneOffset.UTC));
            }
        }
        return hours;
    }

    private static boolean tryLock(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_try_advisory_lock(" + Rating.RUN_LOCK + ")")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static void unlock(Connection c) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("SELECT pg_advisory_unlock(" + Rating.RUN_LOCK + ")");
        }
    }

}
