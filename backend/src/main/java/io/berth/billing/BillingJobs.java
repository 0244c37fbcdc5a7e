package io.berth.billing;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.YearMonth;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import org.jboss.logging.Logger;

import io.agroal.api.AgroalDataSource;
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
    private final EntityManager em;
    private final AtomicLong drift = new AtomicLong();

    BillingJobs(BillingConfig config, BillingRuns runs, DebtLifecycle lifecycle, StatementService statements,
            AgroalDataSource dataSource, EntityManager em, MeterRegistry registry) {
        this.config = config;
        this.runs = runs;
        this.lifecycle = lifecycle;
        this.statements = statements;
        this.dataSource = dataSource;
        this.em = em;
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
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            st.execute("SELECT berth_ensure_sample_partitions((now() AT TIME ZONE 'UTC')::date - 1, 9)");
        }
        issueStatements();
        checkLedger();
    }

    /** Statements for every account with unlisted lines of a month that has ended (and been rated) in its zone. */
    @SuppressWarnings("unchecked")
    public int issueStatements() {
        List<Object[]> due = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery("""
                SELECT DISTINCT r.account_id, a.timezone,
                       to_char(date_trunc('month', r.hour_start AT TIME ZONE a.timezone), 'YYYY-MM')
                FROM rating_line r JOIN account a ON a.id = r.account_id, billing_cursor bc
                WHERE r.statement_id IS NULL
                  AND (date_trunc('month', r.hour_start AT TIME ZONE a.timezone) + interval '1 month')
                      AT TIME ZONE a.timezone <= bc.last_hour + interval '1 hour'""").getResultList());
        int issued = 0;
        for (Object[] row : due) {
            statements.issue((UUID) row[0], YearMonth.parse((String) row[2]));
            issued++;
        }
        return issued;
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

    static boolean validZone(String tz) {
        try {
            ZoneId.of(tz);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
