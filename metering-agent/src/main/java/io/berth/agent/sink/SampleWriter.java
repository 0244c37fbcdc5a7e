package io.berth.agent.sink;

import java.io.ByteArrayOutputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

import javax.sql.DataSource;

import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Writes samples to PostgreSQL, idempotently, in one transaction per batch. Rows are first COPYed (binary format)
 * straight into the table (inside a savepoint): new rows, the normal case, cost what a raw COPY costs. If any row is
 * already there (a segment re-sent because its acknowledgement was lost) the table refuses the COPY on the natural key;
 * the savepoint is rolled back and the batch goes through a session temp table and
 * {@code INSERT ... ON CONFLICT DO NOTHING}, which keeps what is new and drops what is not. Either way re-sending adds
 * nothing; duplicates are counted.
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
    static final String EDGE_COLUMNS = "window_start, window_end, node, gateway_pod_uid, namespace, bytes_in, bytes_out";
    /**
     * The staging tables' columns, spelled out: {@code LIKE <table>} would need SELECT on the sample tables, and the
     * agent's database role may only insert (db/migrations/afterMigrate__metering_writer_grants.sql).
     */
    static final String POD_STAGING = "pod_uid uuid, window_start timestamptz, window_end timestamptz, node text,"
            + " namespace text, pod_name text, cpu_usage_usec bigint, memory_avg_bytes bigint, memory_max_bytes bigint,"
            + " cpu_request_millis bigint, cpu_limit_millis bigint, memory_request_bytes bigint,"
            + " memory_limit_bytes bigint, io_read_bytes bigint, io_write_bytes bigint, net_internal_tx_bytes bigint,"
            + " net_internal_rx_bytes bigint, net_external_tx_bytes bigint, net_external_rx_bytes bigint,"
            + " net_internal_tx_packets bigint, net_internal_rx_packets bigint, net_external_tx_packets bigint,"
            + " net_external_rx_packets bigint";
    static final String OBJECT_STAGING = "object_uid uuid, kind text, window_start timestamptz,"
            + " window_end timestamptz, namespace text, name text, quantity bigint, used_bytes bigint,"
            + " storage_class text";
    static final String EDGE_STAGING = "window_start timestamptz, window_end timestamptz, node text,"
            + " gateway_pod_uid uuid, namespace text, bytes_in bigint, bytes_out bigint";

    public record Result(int podRows, int podInserted, int objectRows, int objectInserted, int edgeRows,
            int edgeInserted) {
        public int duplicates() {
            return podRows - podInserted + objectRows - objectInserted + edgeRows - edgeInserted;
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
        return write(pods, objects, List.of());
    }

    /** Pod, object and edge rows of a batch, all or none (one transaction). */
    public Result write(List<PodSample> pods, List<ObjectSample> objects, List<EdgeSample> edge)
            throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            ensurePartitions(c);
            c.setAutoCommit(false);
            try {
                int podInserted = 0;
                int objectInserted = 0;
                if (!pods.isEmpty()) {
                    podInserted = write(c, "pod_usage_sample", POD_COLUMNS, POD_STAGING, out -> podRows(pods, out),
                            pods.size());
                }
                if (!objects.isEmpty()) {
                    objectInserted = write(c, "object_usage_sample", OBJECT_COLUMNS, OBJECT_STAGING,
                            out -> objectRows(objects, out), objects.size());
                }
                int edgeInserted = 0;
                if (!edge.isEmpty()) {
                    edgeInserted = write(c, "edge_usage_sample", EDGE_COLUMNS, EDGE_STAGING,
                            out -> edgeRows(edge, out), edge.size());
                }
                c.commit();
                return new Result(pods.size(), podInserted, objects.size(), objectInserted, edge.size(),
                        edgeInserted);
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            }
        }
    }

    /** Encodes a batch's rows onto a COPY; called again for the fallback, so it must not consume anything. */
    @FunctionalInterface
    interface Rows {
        void encode(BinaryCopy out) throws SQLException;
    }

    private int write(Connection c, String table, String columns, String staging, Rows rows, int count)
            throws SQLException {
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
            return copyThenInsert(c, table, columns, staging, rows);
        }
    }

    /** Batches that held rows PostgreSQL already had (and so went the ON CONFLICT way). */
    public long fallbacks() {
        return fallbacks;
    }

    private static void copy(Connection c, String table, String columns, Rows rows) throws SQLException {
        CopyIn in = c.unwrap(PGConnection.class).getCopyAPI().copyIn(copySql(table, columns));
        try {
            BinaryCopy out = new BinaryCopy(in::writeToCopy);
            rows.encode(out);
            out.finish();
            in.endCopy();
        } catch (SQLException e) {
            if (in.isActive()) {
                try {
                    in.cancelCopy();
                } catch (SQLException cancel) {
                    e.addSuppressed(cancel);
                }
            }
            throw e;
        }
    }

    public static String copySql(String table, String columns) {
        return "COPY " + table + " (" + columns + ") FROM STDIN (FORMAT binary)";
    }

    private static int copyThenInsert(Connection c, String table, String columns, String stagingColumns, Rows rows)
            throws SQLException {
        String staging = "berth_in_" + table;
        try (Statement s = c.createStatement()) {
            // One staging table per session, emptied at every commit: no catalog churn per batch.
            s.execute("CREATE TEMP TABLE IF NOT EXISTS " + staging + " (" + stagingColumns
                    + ") ON COMMIT DELETE ROWS");
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

    /** Pod samples in binary COPY format, in the order of {@link #POD_COLUMNS}. */
    static void podRows(List<PodSample> rows, BinaryCopy out) throws SQLException {
        for (PodSample r : rows) {
            out.row(23).uuid(r.podUid()).timestamp(r.windowStart()).timestamp(r.windowEnd()).text(r.node())
                    .text(r.namespace()).text(r.podName()).int8(r.cpuUsageUsec()).int8(r.memoryAvgBytes())
                    .int8(r.memoryMaxBytes()).int8(r.cpuRequestMillis()).int8(r.cpuLimitMillis())
                    .int8(r.memoryRequestBytes()).int8(r.memoryLimitBytes()).int8(r.ioReadBytes())
                    .int8(r.ioWriteBytes()).int8(r.netInternalTxBytes()).int8(r.netInternalRxBytes())
                    .int8(r.netExternalTxBytes()).int8(r.netExternalRxBytes()).int8(r.netInternalTxPackets())
                    .int8(r.netInternalRxPackets()).int8(r.netExternalTxPackets()).int8(r.netExternalRxPackets());
        }
    }

    /** Object samples in binary COPY format, in the order of {@link #OBJECT_COLUMNS}. */
    static void objectRows(List<ObjectSample> rows, BinaryCopy out) throws SQLException {
        for (ObjectSample r : rows) {
            out.row(9).uuid(r.objectUid()).text(r.kind()).timestamp(r.windowStart()).timestamp(r.windowEnd())
                    .text(r.namespace()).text(r.name()).int8(r.quantity()).int8(r.usedBytes()).text(r.storageClass());
        }
    }

    /** Edge samples in binary COPY format, in the order of {@link #EDGE_COLUMNS}. */
    static void edgeRows(List<EdgeSample> rows, BinaryCopy out) throws SQLException {
        for (EdgeSample r : rows) {
            out.row(7).timestamp(r.windowStart()).timestamp(r.windowEnd()).text(r.node()).uuid(r.gatewayPodUid())
                    .text(r.namespace()).int8(r.bytesIn()).int8(r.bytesOut());
        }
    }

    /** Pod samples as the bytes of a binary COPY (for comparing with a raw COPY of the same rows). */
    public static byte[] podCopyBytes(List<PodSample> rows) throws SQLException {
        return copyBytes(out -> podRows(rows, out));
    }

    /** The whole binary COPY stream of some rows, in memory. */
    static byte[] copyBytes(Rows rows) throws SQLException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryCopy out = new BinaryCopy(bytes::write);
        rows.encode(out);
        out.finish();
        return bytes.toByteArray();
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException e) {
            // the connection is broken; the pool discards it
        }
    }
}
