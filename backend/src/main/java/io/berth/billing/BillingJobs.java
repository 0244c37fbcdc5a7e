package io.berth.billing;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.agroal.api.AgroalDataSource;
import io.berth.common.Sql;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.scheduler.Scheduled;

/**
 * The billing jobs: hourly rating (checked every minute), the debt lifecycle (every 30 s), statements of finished
 * months, sample partitions, and the ledger invariant check, whose drift is logged and exported as a metric.
 */
@ApplicationScoped
public class BillingJobs {

    private static final Logger LOG = Logger.getLogger(BillingJobs.class);

    private final BillingConfig config;
    private final BillingRuns runs;
    private final DebtLifecycle lifecycle;
    private final StatementService statements;
    private final AgroalDataSource dataSource;
    private final Sql sql;
    private final AtomicLong drift = new AtomicLong();

    BillingJobs(BillingConfig config, BillingRuns runs, DebtLifecycle lifecycle, StatementService statements,
            AgroalDataSource dataSource, Sql sql, MeterRegistry registry) {
        this.sql = sql;
        this.config = config;
        this.runs = runs;
        this.lifecycle = lifecycle;
        this.statements = statements;
        this.dataSource = dataSource;
        registry.gauge("berth.ledger.drift.rows", drift);
    }

    @Scheduled(every = "60s", delay = 10, delayUnit = java.util.concurrent.TimeUnit.SECONDS, concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void rate() throws SQLException {
        if (!config.jobsEnabled()) {
            return;
        }
        BillingRuns.Summary summary = runs.runDue();
        summary.accounts().forEach(this::evaluateQuietly);
    }

    @Scheduled(every = "30s", delay = 15, delayUnit = java.util.concurrent.TimeUnit.SECONDS, concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void lifecycle() {
        if (!config.jobsEnabled()) {
            return;
        }
        lifecycle.due().forEach(this::evaluateQuietly);
    }

    @Scheduled(every = "1h", delay = 1, delayUnit = java.util.concurrent.TimeUnit.MINUTES, concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void hourly() throws SQLException {
        if (!config.jobsEnabled()) {
            return;
        }
        QuarkusTransaction.requiringNew()
                .run(() -> sql.one("SELECT berth_ensure_sample_partitions((now() AT TIME ZONE 'UTC')::date - 1, 9)"));
        statements.issueDue();
        checkLedger();
    }

    public List<Ledger.Drift> checkLedger() throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            List<Ledger.Drift> found = Ledger.drift(c);
            drift.set(found.size());
            for (Ledger.Drift d : found) {
                LOG.errorf("ledger drift: %s %s (expected %d, actual %d)", d.problem(), d.subject(), d.expected(),
                        d.actual());
            }
            return found;
        }
    }

    private void evaluateQuietly(UUID account) {
        try {
            lifecycle.evaluate(account);
        } catch (RuntimeException e) {
            LOG.warnf("debt lifecycle of account %s failed: %s", account, e.getMessage());
        }
    }
}
