package io.berth.agent.sink;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Sends spooled segments to PostgreSQL, oldest first, and acknowledges them only after the transaction committed.
 * While the database is unreachable it retries with a growing delay and the spool grows; when it comes back the
 * backlog goes out in large batches.
 */
public final class Flusher implements Runnable {

    private static final Logger LOG = Logger.getLogger(Flusher.class);

    private final Spool spool;
    private final SampleWriter writer;
    private final StateStore state;
    private final int batchRows;
    private final Duration maxRetryDelay;
    private final Counter written;
    private final Counter duplicates;
    private final Counter errors;
    private final MeterRegistry registry;
    private final Object wake = new Object();
    private volatile boolean running = true;
    private volatile long lastSuccessMillis = System.currentTimeMillis();
    private long failingSince;

    public Flusher(Spool spool, SampleWriter writer, StateStore state, int batchRows, Duration maxRetryDelay,
            MeterRegistry registry) {
        this.spool = spool;
        this.writer = writer;
        this.state = state;
        this.batchRows = batchRows;
        this.maxRetryDelay = maxRetryDelay;
        this.registry = registry;
        this.written = Counter.builder("berth.agent.samples.written")
                .description("Sample rows PostgreSQL accepted as new").register(registry);
        this.duplicates = Counter.builder("berth.agent.samples.duplicate")
                .description("Sample rows PostgreSQL already had (re-sent after a lost acknowledgement)")
                .register(registry);
        this.errors = Counter.builder("berth.agent.sink.errors").description("Failed attempts to write samples")
                .register(registry);
        registry.more().counter("berth.agent.sink.replayed.batches", java.util.List.of(), writer,
                SampleWriter::fallbacks);
        registry.gauge("berth.agent.sink.last.success.age.seconds", this,
                f -> (System.currentTimeMillis() - f.lastSuccessMillis) / 1000.0);
    }

    /** Called after a commit to the spool: send now rather than at the next poll. */
    public void wake() {
        synchronized (wake) {
            wake.notifyAll();
        }
    }

    public void stop() {
        running = false;
        wake();
    }

    @Override
    public void run() {
        long delayMs = 1000;
        while (running) {
            List<String> names = spool.pendingNames();
            if (names.isEmpty()) {
                await(1000);
                continue;
            }
            if (flush(names)) {
                delayMs = 1000;
            } else {
                await(delayMs);
                delayMs = Math.min(delayMs * 2, maxRetryDelay.toMillis());
            }
        }
    }

    /** Sends one batch from the head of the spool; false if PostgreSQL could not take it. */
    boolean flush(List<String> names) {
        List<String> batch = new ArrayList<>();
        List<Segment> segments = new ArrayList<>();
        int rows = 0;
        for (String name : names) {
            Optional<Segment> s = spool.take(name);
            if (s.isEmpty()) {
                continue;
            }
            batch.add(name);
            segments.add(s.get());
            rows += s.get().rows();
            if (rows >= batchRows) {
                break;
            }
        }
        try {
            send(batch, segments);
            return true;
        } catch (SQLException e) {
            spool.release(batch);
            if (isContentError(e)) {
                isolate(batch, segments);
                return true;
            }
            errors.increment();
            long now = System.currentTimeMillis();
            if (failingSince == 0) {
                failingSince = now;
                LOG.warnf("PostgreSQL unreachable (%s); samples stay in the spool (%d segments, %d bytes) and are"
                        + " sent when it is back", e.getMessage(), spool.segments(), spool.bytes());
            } else if (now - failingSince > 60_000 && errors.count() % 10 == 0) {
                LOG.warnf("PostgreSQL still unreachable after %d s (%s); spool holds %d segments, %d bytes",
                        (now - failingSince) / 1000, e.getMessage(), spool.segments(), spool.bytes());
            }
            return false;
        } catch (IOException | RuntimeException e) {
            spool.release(batch);
            errors.increment();
            LOG.errorf(e, "acknowledging sent segments failed; they will be re-sent (no duplicates arise)");
            return false;
        }
    }

    private void send(List<String> batch, List<Segment> segments) throws SQLException, IOException {
        List<PodSample> pods = new ArrayList<>();
        List<ObjectSample> objects = new ArrayList<>();
        List<EdgeSample> edge = new ArrayList<>();
        Snapshot newest = null;
        for (Segment s : segments) {
            if (s.pods() != null) {
                pods.addAll(s.pods());
            }
            if (s.objects() != null) {
                objects.addAll(s.objects());
            }
            if (s.edge() != null) {
                edge.addAll(s.edge());
            }
            if (s.snapshot() != null && (newest == null || s.snapshot().windowEnd() > newest.windowEnd())) {
                newest = s.snapshot();
            }
        }
        SampleWriter.Result r = writer.write(pods, objects, edge);
        // The snapshot first, then the spool files: never a moment where neither holds the newest state.
        if (newest != null) {
            state.save(newest);
        }
        spool.acknowledge(batch);
        written.increment(r.podInserted() + r.objectInserted() + r.edgeInserted());
        duplicates.increment(r.duplicates());
        lastSuccessMillis = System.currentTimeMillis();
        if (failingSince != 0) {
            LOG.infof("PostgreSQL reachable again after %d s; sending the spool", (lastSuccessMillis - failingSince)
                    / 1000);
            failingSince = 0;
        }
        if (r.duplicates() > 0) {
            LOG.infof("%d of %d rows were already in PostgreSQL (re-sent segments); nothing was added twice",
                    r.duplicates(), r.podRows() + r.objectRows() + r.edgeRows());
        }
    }

    /** A batch PostgreSQL refuses for what it holds: send its segments one by one and set aside the bad ones. */
    private void isolate(List<String> batch, List<Segment> segments) {
        for (int i = 0; i < batch.size(); i++) {
            String name = batch.get(i);
            try {
                spool.take(name);
                send(List.of(name), List.of(segments.get(i)));
            } catch (SQLException e) {
                spool.release(List.of(name));
                if (!isContentError(e)) {
                    return;
                }
                try {
                    spool.reject(name);
                } catch (IOException io) {
                    LOG.errorf(io, "cannot set aside segment %s", name);
                    return;
                }
                Counter.builder("berth.agent.samples.dropped").tag("reason", "rejected").register(registry)
                        .increment(segments.get(i).rows());
                LOG.errorf("SAMPLES REJECTED by PostgreSQL: segment %s (%d rows) moved to the spool's rejected/"
                        + " directory: %s", name, segments.get(i).rows(), e.getMessage());
            } catch (IOException | RuntimeException e) {
                spool.release(List.of(name));
                LOG.errorf(e, "sending segment %s failed", name);
                return;
            }
        }
    }

    /** Data and constraint errors: retrying the same rows can never succeed. */
    static boolean isContentError(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    private void await(long ms) {
        synchronized (wake) {
            try {
                wake.wait(ms);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
    }
}
