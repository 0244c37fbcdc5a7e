package io.berth.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.ds.PGSimpleDataSource;

import io.berth.agent.sink.PodSample;
import io.berth.agent.sink.SampleWriter;
import io.berth.testing.RealStack;

/**
 * Benchmark (not part of verify; run by bench/metering/run): rows per second into pod_usage_sample through the agent's
 * own writer (one transaction per 50,000-row batch: COPY in a savepoint, falling back to a temp table and INSERT ... ON
 * CONFLICT DO NOTHING when rows are already there) beside a raw COPY of the same rows into the same table (binary
 * format, as the writer sends, but encoded before the clock starts), in the same run, on a database of its own; then
 * the same rows once more through the writer (every row a duplicate).
 */
class IngestBench {

    static final int PODS = 5000;
    static final int WINDOWS = 100;
    static final int BATCH = 50_000;

    @Test
    void agentWriterBesideRawCopy() throws Exception {
        BenchReport report = new BenchReport("ingest");
        String url = benchDatabase();
        AgentDb.flyway(url).migrate();
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(url);
        ds.setUser(AgentDb.user());
        ds.setPassword(AgentDb.password());
        List<List<PodSample>> batches = rows();
        // The raw COPY sends bytes encoded beforehand; the writer encodes as it sends, inside its timing.
        List<byte[]> encoded = new ArrayList<>();
        for (List<PodSample> batch : batches) {
            encoded.add(SampleWriter.podCopyBytes(batch));
        }
        int total = PODS * WINDOWS;
        SampleWriter writer = new SampleWriter(ds);
        double bestRaw = 0;
        double bestAgent = 0;
        for (int round = 1; round <= 3; round++) {
            reset(url);
            long t0 = System.nanoTime();
            try (Connection c = DriverManager.getConnection(url, AgentDb.user(), AgentDb.password())) {
                c.setAutoCommit(false);
                for (byte[] batch : encoded) {
                    c.unwrap(PGConnection.class).getCopyAPI().copyIn(
                            SampleWriter.copySql("pod_usage_sample", SampleWriter.POD_COLUMNS),
                            new ByteArrayInputStream(batch));
                    c.commit();
                }
            }
            double raw = total / ((System.nanoTime() - t0) / 1e9);
            reset(url);
            long t1 = System.nanoTime();
            long inserted = 0;
            for (List<PodSample> batch : batches) {
                inserted += writer.write(batch, List.of()).podInserted();
            }
            double agent = total / ((System.nanoTime() - t1) / 1e9);
            assertThat(inserted).isEqualTo(total);
            long t2 = System.nanoTime();
            long again = 0;
            for (List<PodSample> batch : batches) {
                again += writer.write(batch, List.of()).podInserted();
            }
            double replay = total / ((System.nanoTime() - t2) / 1e9);
            assertThat(again).isZero();
            report.line(String.format("round %d: raw COPY %.0f rows/s, agent writer %.0f rows/s (%.2f x raw),"
                    + " replay of the same rows (all duplicates, 0 added) %.0f rows/s", round, raw, agent,
                    agent / raw, replay));
            bestRaw = Math.max(bestRaw, raw);
            bestAgent = Math.max(bestAgent, agent);
        }
        report.line(String.format("best of 3: raw COPY %.0f rows/s, agent writer %.0f rows/s = %.2f x raw (targets:"
                + " >= 100000 rows/s and >= 0.7 x raw); %d rows of %d pods x %d windows, %d-row transactions",
                bestRaw, bestAgent, bestAgent / bestRaw, total, PODS, WINDOWS, BATCH));
        report.line("command: bench/metering/run ingest   (IngestBench; PostgreSQL 15 of the test stack, database"
                + " berth_bench)");
    }

    /** A database of its own on the stack's server, so that the benchmark's rows never mix with anything. */
    static String benchDatabase() throws Exception {
        String url = AgentDb.url();
        String admin = url.substring(0, url.lastIndexOf('/')) + "/postgres";
        try (Connection c = DriverManager.getConnection(admin, RealStack.get("DATABASE_ADMIN_USER"),
                RealStack.get("DATABASE_ADMIN_PASSWORD")); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS berth_bench WITH (FORCE)");
            s.execute("CREATE DATABASE berth_bench OWNER " + AgentDb.user());
        }
        return url.substring(0, url.lastIndexOf('/')) + "/berth_bench";
    }

    static void reset(String url) throws Exception {
        try (Connection c = DriverManager.getConnection(url, AgentDb.user(), AgentDb.password());
                Statement s = c.createStatement()) {
            s.execute("TRUNCATE pod_usage_sample");
        }
        String admin = url.substring(0, url.lastIndexOf('/')) + "/postgres";
        try (Connection c = DriverManager.getConnection(admin, RealStack.get("DATABASE_ADMIN_USER"),
                RealStack.get("DATABASE_ADMIN_PASSWORD")); Statement s = c.createStatement()) {
            s.execute("CHECKPOINT");
        }
    }

    /** 5,000 pods x 100 one-minute windows of today (UTC), in the agent's batch size. */
    static List<List<PodSample>> rows() {
        long day = LocalDate.now(ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        List<String> uids = new ArrayList<>();
        for (int p = 0; p < PODS; p++) {
            uids.add(UUID.randomUUID().toString());
        }
        List<List<PodSample>> batches = new ArrayList<>();
        List<PodSample> batch = new ArrayList<>();
        for (int w = 0; w < WINDOWS; w++) {
            long start = day + w * 60_000L;
            for (int p = 0; p < PODS; p++) {
                batch.add(new PodSample(uids.get(p), start, start + 60_000, "node-" + (p % 50), "tenant-" + (p % 700),
                        "pod-" + p, 1_234_567L + p, 200_000_000L + w, 250_000_000L, 500, 1000, 268_435_456L,
                        536_870_912L, 4096L * w, 8192L * w, 1_000_000L + p, 2_000_000L, 30_000L, 40_000L, 900, 1800,
                        25, 35));
                if (batch.size() == BATCH) {
                    batches.add(batch);
                    batch = new ArrayList<>();
                }
            }
        }
        if (!batch.isEmpty()) {
            batches.add(batch);
        }
        return batches;
    }
}
