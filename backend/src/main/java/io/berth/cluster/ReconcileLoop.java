package io.berth.cluster;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Runs the reconcilers on the one backend instance that holds the PostgreSQL advisory lock. The leader listens for
 * change notifications (NOTIFY in the transaction that made the change), scans for work left behind every few
 * seconds, and re-applies everything periodically to repair drift. Failures back off exponentially and never block
 * the API: requests only write the database and notify.
 */
@ApplicationScoped
public class ReconcileLoop {

    private static final Logger LOG = Logger.getLogger(ReconcileLoop.class);
    /** Arbitrary constant naming the reconciler's advisory lock ("berth" + 1). */
    static final long LEADER_LOCK = 0x6265727468_01L;

    private final ClusterConfig config;
    private final Map<ReconcileKey.Kind, Reconciler> reconcilers = new EnumMap<>(ReconcileKey.Kind.class);
    private final ReconcileQueue queue;
    private final AtomicBoolean running = new AtomicBoolean();
    private final String jdbcUrl;
    private final String jdbcUser;
    private final String jdbcPassword;
    private ExecutorService workers;
    private ScheduledExecutorService timers;
    private Thread control;

    ReconcileLoop(ClusterConfig config, Instance<Reconciler> all,
            @ConfigProperty(name = "quarkus.datasource.jdbc.url") String jdbcUrl,
            @ConfigProperty(name = "quarkus.datasource.username") String jdbcUser,
            @ConfigProperty(name = "quarkus.datasource.password", defaultValue = "") String jdbcPassword) {
        this.config = config;
        this.jdbcUrl = jdbcUrl;
        this.jdbcUser = jdbcUser;
        this.jdbcPassword = jdbcPassword;
        for (Reconciler r : all) {
            reconcilers.put(r.kind(), r);
        }
        this.queue = new ReconcileQueue(config.reconciler().maxBackoff());
    }

    void start(@Observes StartupEvent event) {
        if (!config.reconciler().enabled()) {
            LOG.info("reconciler disabled on this instance (berth.cluster.reconciler.enabled=false)");
            return;
        }
        running.set(true);
        int n = config.reconciler().workers();
        AtomicInteger threads = new AtomicInteger();
        ThreadFactory factory = task -> {
            Thread t = new Thread(task, "berth-reconcile-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        workers = Executors.newFixedThreadPool(n, factory);
        timers = Executors.newSingleThreadScheduledExecutor(factory);
        for (int i = 0; i < n; i++) {
            workers.submit(this::work);
        }
        control = factory.newThread(this::lead);
        control.start();
    }

    void stop(@Observes ShutdownEvent event) {
        running.set(false);
        if (control != null) {
            control.interrupt();
            workers.shutdownNow();
            timers.shutdownNow();
        }
    }

    /** The leader's control loop: hold the lock, listen, scan, repair; on a lost connection, start over. */
    private void lead() {
        while (running.get()) {
            try (Connection c = DriverManager.getConnection(jdbcUrl, jdbcUser, jdbcPassword)) {
                if (!tryLock(c)) {
                    sleep(Duration.ofSeconds(2));
                    continue;
                }
                LOG.info("this instance now leads the reconciler");
                try (Statement st = c.createStatement()) {
                    st.execute("LISTEN " + ReconcileRequests.CHANNEL);
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                long nextScan = 0;
                long nextRepair = 0;
                while (running.get()) {
                    long now = System.nanoTime();
                    if (now >= nextRepair) {
                        enqueueAll(false);
                        nextRepair = now + config.reconciler().driftRepairInterval().toNanos();
                        nextScan = now + config.reconciler().pendingScanInterval().toNanos();
                    } else if (now >= nextScan) {
                        enqueueAll(true);
                        nextScan = now + config.reconciler().pendingScanInterval().toNanos();
                    }
                    PGNotification[] notes = pg.getNotifications(500);
                    if (notes != null) {
                        for (PGNotification note : notes) {
                            ReconcileKey.parse(note.getParameter()).ifPresent(key -> queue.add(key.toString()));
                        }
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (running.get()) {
                    LOG.warnf("reconciler leadership lost or not acquired (%s); retrying", e.getMessage());
                }
            }
            sleep(Duration.ofSeconds(1));
        }
    }

    private static boolean tryLock(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_try_advisory_lock(" + LEADER_LOCK + ")")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private void enqueueAll(boolean pendingOnly) {
        for (Reconciler r : reconcilers.values()) {
            try {
                List<UUID> ids = pendingOnly ? r.pending() : r.all();
                for (UUID id : ids) {
                    String key = new ReconcileKey(r.kind(), id).toString();
                    if (pendingOnly) {
                        queue.addIfNotBackingOff(key);
                    } else {
                        queue.add(key);
                    }
                }
            } catch (RuntimeException e) {
                LOG.warnf("scanning %s for work failed: %s", r.kind(), e.getMessage());
            }
        }
    }

    private void work() {
        while (running.get()) {
            String key;
            try {
                key = queue.take(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (key == null) {
                continue;
            }
            ReconcileKey parsed = ReconcileKey.parse(key).orElse(null);
            Reconciler r = parsed == null ? null : reconcilers.get(parsed.kind());
            if (r == null) {
                LOG.warnf("ignoring reconcile request with unknown key %s", key);
                queue.done(key);
                continue;
            }
            try {
                Reconciler.Outcome outcome = r.reconcile(parsed.id());
                queue.done(key);
                if (outcome instanceof Reconciler.Outcome.CheckAgainAfter again) {
                    timers.schedule(() -> queue.add(key), again.delay().toMillis(), TimeUnit.MILLISECONDS);
                }
            } catch (RuntimeException e) {
                Duration delay = queue.failed(key);
                LOG.warnf("reconciling %s failed (%s: %s); retrying in %s", key, e.getClass().getSimpleName(),
                        e.getMessage(), delay);
                timers.schedule(() -> queue.retry(key), delay.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
