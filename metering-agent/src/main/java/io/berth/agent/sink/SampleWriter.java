package io.berth.agent.sink;

import java.io.IOException;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

import javax.sql.DataSource;

import org.jboss.logging.Logger;
import org.postgresql.PGConnection;

/**
 * Writes samples to PostgreSQL, idempotently, in one transaction per batch. Rows are first COPYed straight into the
 * table (inside a savepoint): new rows, the normal case, cost what a raw COPY costs. If any row is already there (a
 * segment re-sent because its acknowledgement was lost) the table refuses the COPY on the natural key; the savepoint is
 * rolled back and the batch goes through a session temp table and {@code INSERT ... ON CONFLICT DO NOTHING}, which
 * keeps what is new and drops what is not. Either way re-sending adds nothing; duplicates are counted.
 */
public final class SampleWriter {

    private static final Logger LOG = Logger.getLogger(SampleWriter.class);

    public static final String POD_COLUMNS = "pod_uid, window_start, window_end, node, namespace, pod_name, cpu_usage_usec,"
            + " memory_avg_bytes, memory_max_bytes, cpu_request_millis, cpu_limit_millis, memory_request_bytes,"
            + " memory_limit_bytes, io_read_bytes, io_write_bytes, net_internal_tx_bytes, net_internal_rx_bytes,"
            + " net_external_tx_bytes, net_external_rx_bytes, net_internal_tx_packets, net_internal_rx_packets,"
            + " net_external_tx_packets, net_external_rx_packets";
    static final String OBJECT_COLUMNS = "object_uid, kind, window_start, window_end, namespace, name, quantity,"
            + " used_bytes, storage_class";

    public record Result(int podRows, int podInserted, int objectRows, int objectInserted) {
        public int duplicates() {
            return podRows - podInserted + objectRows - objectInserted;
        }
    }

    private static final String UNIQUE_VIOLATION = "23505";

    private final DataSource dataSource;
    private volatile long fallbacks;
    private volatile LocalDate partitionsEnsuredFor;
    private volatile boolean partitionWarningLogged;

    public SampleWriter(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Result write(List<PodSample> pods, List<ObjectSample> objects) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            ensurePartitions(c);
            c.setAutoCommit(false);
            try {
                int podInserted = 0;
                int objectInserted = 0;
                if (!pods.isEmpty()) {
                    podInserted = write(c, "pod_usage_sample", POD_COLUMNS, podRows(pods), pods.size());
                }
                if (!objects.isEmpty()) {
                    objectInserted = write(c, "object_usage_sample", OBJECT_COLUMNS, objectRows(objects),
                            objects.size());
                }
                c.commit();
                return new Result(pods.size(), podInserted, objects.size(), objectInserted);
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            }
        }
    }

    private int write(Connection c, String table, String columns, String rows, int count) throws SQLException {
        Savepoint before = c.setSavepoint();
        try {
            copy(c, table, columns, rows);
            c.releaseSavepoint(before);
            return count;
        } catch (SQLException e) {
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw e;
            }
            c.rollback(before);
            fallbacks++;
            return copyThenInsert(c, table, columns, rows);
        }
    }

    /** Batches that held rows PostgreSQL already had (and so went the ON CONFLICT way). */
    public long fallbacks() {
        return fallbacks;
    }

    private static void copy(Connection c, String table, String columns, String rows) throws SQLException {
        try {
            c.unwrap(PGConnection.class).getCopyAPI()
                    .copyIn("COPY " + table + " (" + columns + ") FROM STDIN", new StringReader(rows));
        } catch (IOException e) {
            throw new SQLException("COPY into " + table + " failed", "08000", e);
        }
    }

    private static int copyThenInsert(Connection c, String table, String columns, String rows) throws SQLException {
        String staging = "berth_in_" + table;
        try (Statement s = c.createStatement()) {
            // One staging table per session, emptied at every commit: no catalog churn per batch.
            s.execute("CREATE TEMP TABLE IF NOT EXISTS " + staging + " (LIKE " + table
                    + " INCLUDING DEFAULTS) ON COMMIT DELETE ROWS");
        }
        copy(c, staging, columns, rows);
        try (Statement s = c.createStatement()) {
            return s.executeUpdate("INSERT INTO " + table + " (" + columns + ") SELECT " + columns + " FROM " + staging
                    + " ON CONFLICT DO NOTHING");
        }
    }

    /** Creates the daily partitions around today once a day; a role without the right relies on the default. */
    private void ensurePartitions(Connection c) {
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        if (today.equals(partitionsEnsuredFor)) {
            return;
        }
        try (Statement s = c.createStatement()) {
            s.execute("SELECT berth_ensure_sample_partitions((now() AT TIME ZONE 'UTC')::date - 1, 3)");
            partitionsEnsuredFor = today;
        } catch (SQLException e) {
            if (e.getSQLState() == null || !e.getSQLState().startsWith("42")) {
                return; // not a refusal (connection trouble): the write says so, and the next one retries this
            }
            if (!partitionWarningLogged) {
                LOG.warnf("cannot create sample partitions (%s); rows go to the default partition until the backend"
                        + " creates them", e.getMessage());
                partitionWarningLogged = true;
            }
            partitionsEnsuredFor = today;
        }
    }

    public static String podRows(List<PodSample> rows) {
        StringBuilder b = new StringBuilder(rows.size() * 256);
        for (PodSample r : rows) {
            b.append(r.podUid()).append('\t').append(ts(r.windowStart())).append('\t').append(ts(r.windowEnd()))
                    .append('\t');
            text(b, r.node()).append('\t');
            text(b, r.namespace()).append('\t');
            text(b, r.podName()).append('\t');
            long[] numbers = {r.cpuUsageUsec(), r.memoryAvgBytes(), r.memoryMaxBytes(), r.cpuRequestMillis(),
                    r.cpuLimitMillis(), r.memoryRequestBytes(), r.memoryLimitBytes(), r.ioReadBytes(),
                    r.ioWriteBytes(), r.netInternalTxBytes(), r.netInternalRxBytes(), r.netExternalTxBytes(),
                    r.netExternalRxBytes(), r.netInternalTxPackets(), r.netInternalRxPackets(),
                    r.netExternalTxPackets(), r.netExternalRxPackets()};
            for (int i = 0; i < numbers.length; i++) {
                b.append(numbers[i]).append(i == numbers.length - 1 ? '\n' : '\t');
            }
        }
        return b.toString();
    }

    static String objectRows(List<ObjectSample> rows) {
        StringBuilder b = new StringBuilder(rows.size() * 160);
        for (ObjectSample r : rows) {
            b.append(r.objectUid()).append('\t');
            text(b, r.kind()).append('\t').append(ts(r.windowStart())).append('\t').append(ts(r.windowEnd()))
                    .append('\t');
            text(b, r.namespace()).append('\t');
            text(b, r.name()).append('\t').append(r.quantity()).append('\t');
            b.append(r.usedBytes() == null ? "\\N" : Long.toString(r.usedBytes())).append('\t');
            if (r.storageClass() == null) {
                b.append("\\N");
            } else {
                text(b, r.storageClass());
            }
            b.append('\n');
        }
        return b.toString();
    }

    static String ts(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }

    /** COPY text format escaping. */
    static StringBuilder text(StringBuilder b, String s) {
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            switch (ch) {
                case '\\' -> b.append("\\\\");
                case '\t' -> b.append("\\t");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                default -> b.append(ch);
            }
        }
        return b;
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            // the connection is broken; the pool discards it
        }
    }
}
