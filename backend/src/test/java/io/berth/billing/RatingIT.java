package io.berth.billing;

import static io.berth.billing.BillingFixtures.GIB;
import static io.berth.billing.BillingFixtures.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.berth.testing.RealStackResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Hourly rating on real PostgreSQL against hand-computed amounts. */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class RatingIT {

    /** A closed hour far enough back that the hourly job's own cursor has it behind (the job is off in tests). */
    static final OffsetDateTime HOUR = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.HOURS).minusHours(3);

    @Inject
    AgroalDataSource ds;
    @Inject
    BillingRuns runs;
    BillingFixtures f;

    @BeforeEach
    void fixtures() throws Exception {
        f = new BillingFixtures(ds);
        // cpu 1.00/core-h, memory 0.10/GiB-h, storage 0.01/GiB-h, egress 0.50/GiB, ingress 0.20/GiB, internal free,
        // node port 0.03/h, load balancer 0.04/h
        f.plan("ratetest", 1_000_000, 100_000, 10_000, 500_000, 200_000, 0, 30_000, 40_000, 0);
    }

    @Test
    void eachLineIsChargedAsComputedByHand() throws Exception {
        UUID owner = f.account("UTC", "ratetest");
        var ws = f.workspace(owner, "ratetest");
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        // Pod A asks more than it uses: request 500m / 1 GiB, uses 250m / 512 MiB for the whole hour.
        f.podFor(ws, a, HOUR, 60, 15_000_000, 500, 512 * MIB, GIB);
        // Pod B uses more than it asks: request 100m / 256 MiB, uses one core / 2 GiB.
        f.podFor(ws, b, HOUR, 60, 60_000_000, 100, 2 * GIB, 256 * MIB);
        // Pod C only talks: 3 GiB out, 1.5 GiB in, 10 GiB inside the cluster, in one minute.
        f.pod(ws, UUID.randomUUID(), HOUR.plusMinutes(7), 0, 0, 0, 0, 3 * GIB, 3 * GIB / 2, 10 * GIB, 0);
        f.object(ws, UUID.randomUUID(), "pvc", HOUR, 60, 10 * GIB);
        f.object(ws, UUID.randomUUID(), "nodeport_service", HOUR, 30, 2);
        f.object(ws, UUID.randomUUID(), "loadbalancer_service", HOUR.plusMinutes(45), 15, 1);
        long before = f.balance(owner);

        f.rate(HOUR);

        // cpu: A 60 × max(0.5 × 60 s, 15 s) = 1800 core-s; B 60 × max(6 s, 60 s) = 3600 core-s; 1.5 core-h × 1.00
        assertThat(f.charged(ws, HOUR, "cpu")).isEqualTo(1_500_000);
        // memory: A 1 GiB × 1 h + B 2 GiB × 1 h = 3 GiB-h × 0.10
        assertThat(f.charged(ws, HOUR, "memory")).isEqualTo(300_000);
        // egress 3 GiB × 0.50, ingress 1.5 GiB × 0.20, internal traffic is free
        assertThat(f.charged(ws, HOUR, "external_egress")).isEqualTo(1_500_000);
        assertThat(f.charged(ws, HOUR, "external_ingress")).isEqualTo(300_000);
        assertThat(f.charged(ws, HOUR, "internal_traffic")).isZero();
        // storage 10 GiB × 1 h × 0.01; node ports 2 × 0.5 h × 0.03; load balancer 1 × 0.25 h × 0.04
        assertThat(f.charged(ws, HOUR, "storage")).isEqualTo(100_000);
        assertThat(f.charged(ws, HOUR, "nodeport")).isEqualTo(30_000);
        assertThat(f.charged(ws, HOUR, "loadbalancer")).isEqualTo(10_000);
        assertThat(f.balance(owner)).isEqualTo(before - 3_740_000);
        assertThat(f.scalar("SELECT count(*) FROM ledger_transaction WHERE account_id = ? AND kind = 'charge'", owner))
                .isEqualTo(1);
        assertNoDrift();
    }

    @Test
    void amountsAreRoundedOncePerLineHalfUp() throws Exception {
        f.plan("roundtest", 0, 0, 0, 1, 0, 0, 0, 0, 0); // 1 micro-unit per GiB of egress
        UUID owner = f.account("UTC", "roundtest");
        var half = f.workspace(owner, "roundtest");
        var below = f.workspace(owner, "roundtest");
        // Half a GiB in 512 samples of 1 MiB: each sample alone would round to 0; the line rounds 0.5 up to 1.
        UUID pod = UUID.randomUUID();
        for (int i = 0; i < 60; i++) {
            f.pod(half, pod, HOUR.plusMinutes(i), 0, 0, 0, 0, i < 59 ? 8 * MIB : 512 * MIB - 59 * 8 * MIB, 0, 0, 0);
        }
        f.pod(below, UUID.randomUUID(), HOUR, 0, 0, 0, 0, GIB / 2 - 1, 0, 0, 0);

        f.rate(HOUR);

        assertThat(f.charged(half, HOUR, "external_egress")).isEqualTo(1);
        assertThat(f.charged(below, HOUR, "external_egress")).isZero();
    }

    /** A window counts for its exact length: half a second is half a second, not one (nor, for a Service, none). */
    @Test
    void windowsArePricedByTheirExactLength() throws Exception {
        UUID owner = f.account("UTC", "ratetest");
        var ws = f.workspace(owner, "ratetest");
        OffsetDateTime hour = HOUR.minusHours(7);
        f.podWindow(ws, UUID.randomUUID(), hour, hour.plusNanos(500_000_000), 1000, 0);
        f.podWindow(ws, UUID.randomUUID(), hour.plusMinutes(1), hour.plusMinutes(1).plusSeconds(59).plusNanos(
                500_000_000), 0, GIB);
        f.objectWindow(ws, UUID.randomUUID(), "nodeport_service", hour.plusMinutes(2), hour.plusMinutes(2).plusNanos(
                250_000_000), 1);

        f.rate(hour);

        // cpu: 1 core × 0.5 s = 500,000 core-µs; × 1.00 / 3.6e9 core-µs = 0.000138889 → 139 µ
        assertThat(quantity(ws, hour, "cpu")).isEqualByComparingTo("500000");
        assertThat(f.charged(ws, hour, "cpu")).isEqualTo(139);
        // memory: 1 GiB × 59.5 s; × 0.10 / 3600 GiB-s = 0.00165278 → 1653 µ
        assertThat(quantity(ws, hour, "memory")).isEqualByComparingTo(BigDecimal.valueOf(GIB).multiply(
                new BigDecimal("59.5")));
        assertThat(f.charged(ws, hour, "memory")).isEqualTo(1653);
        // node port: 1 × 0.25 s; × 0.03 / 3600 s = 0.00000208 → 2 µ
        assertThat(quantity(ws, hour, "nodeport")).isEqualByComparingTo("0.25");
        assertThat(f.charged(ws, hour, "nodeport")).isEqualTo(2);
        assertNoDrift();
    }

    /**
     * The agent's windows divide the hour, but the schema allows one that crosses into the next: it belongs wholly to
     * the hour it starts in, and the next hour charges nothing for it.
     */
    @Test
    void aSampleCrossingAnHourBoundaryIsChargedWhollyInTheHourItStartsIn() throws Exception {
        UUID owner = f.account("UTC", "ratetest");
        var ws = f.workspace(owner, "ratetest");
        OffsetDateTime hour = HOUR.minusHours(8);
        f.podWindow(ws, UUID.randomUUID(), hour.plusMinutes(59).plusSeconds(30), hour.plusMinutes(60).plusSeconds(
                30), 1000, 0);

        f.rate(hour);
        f.rate(hour.plusHours(1));

        // 1 core × 60 s = 1/60 core-h × 1.00 = 0.016667
        assertThat(f.charged(ws, hour, "cpu")).isEqualTo(16_667);
        assertThat(f.scalar("SELECT count(*) FROM rating_line WHERE workspace_id = ? AND hour_start = ?", ws.id(),
                hour.plusHours(1))).isZero();
        assertThat(f.balance(owner)).isEqualTo(signup(owner) - 16_667);
    }

    /**
     * Every line of an hour, first rated or adjusted later, is priced at its plan's prices as they stood when the hour
     * was first rated, even a line the hour first gets in an adjustment. A price change applies to the hours first
     * rated after it.
     */
    @Test
    void anHourKeepsThePricesOfItsFirstRatingForEveryLineEvenOneFirstRatedLater() throws Exception {
        String plan = "pc-" + UUID.randomUUID().toString().substring(0, 8);
        f.plan(plan, 1_000_000, 0, 0, 500_000, 0, 0, 0, 0, 0); // cpu 1.00/core-h, egress 0.50/GiB
        UUID owner = f.account("UTC", plan);
        var ws = f.workspace(owner, plan);
        OffsetDateTime hour = HOUR.minusHours(9);
        UUID pod = UUID.randomUUID();
        f.podFor(ws, pod, hour, 30, 60_000_000, 0, 0, 0);
        f.rate(hour);
        f.exec("UPDATE plan SET price_cpu_core_hour = 2000000, price_external_egress_gib = 1000000 WHERE id = ?", plan);
        // Late: the other half hour of the core, and a GiB sent out, a line the hour did not have.
        for (int i = 30; i < 60; i++) {
            f.pod(ws, pod, hour.plusMinutes(i), 60_000_000, 0, 0, 0, i == 30 ? GIB : 0, 0, 0, 0);
        }
        f.podFor(ws, UUID.randomUUID(), hour.plusHours(1), 60, 60_000_000, 0, 0, 0);

        f.rate(hour);
        f.rate(hour.plusHours(1));

        // the hour at its first prices: 1 core-hour × 1.00 (0.50 + 0.50), 1 GiB × 0.50
        assertThat(f.charged(ws, hour, "cpu")).isEqualTo(1_000_000);
        assertThat(f.charged(ws, hour, "external_egress")).isEqualTo(500_000);
        // the next hour, first rated after the change: 1 core-hour × 2.00
        assertThat(f.charged(ws, hour.plusHours(1), "cpu")).isEqualTo(2_000_000);
        assertThat(f.balance(owner)).isEqualTo(signup(owner) - 3_500_000);
        assertNoDrift();
    }

    /**
     * Internal traffic is counted where it is sent: a byte between two pods of one workspace is charged once, not
     * twice (sent and received), and a byte from one workspace to another is charged to the sender only.
     */
    @Test
    void internalTrafficIsChargedOnceToItsSender() throws Exception {
        f.plan("internaltest", 0, 0, 0, 0, 0, 10_000, 0, 0, 0); // internal traffic 0.01/GiB
        UUID owner = f.account("UTC", "internaltest");
        var sender = f.workspace(owner, "internaltest");
        var receiver = f.workspace(owner, "internaltest");
        OffsetDateTime hour = HOUR.minusHours(11);
        // 2 GiB between two pods of the sender; then 1 GiB from the sender's first pod to a pod of the receiver
        f.pod(sender, UUID.randomUUID(), hour, 0, 0, 0, 0, 0, 0, 3 * GIB, 0);
        f.pod(sender, UUID.randomUUID(), hour, 0, 0, 0, 0, 0, 0, 0, 2 * GIB);
        f.pod(receiver, UUID.randomUUID(), hour, 0, 0, 0, 0, 0, 0, 0, GIB);

        f.rate(hour);

        assertThat(quantity(sender, hour, "internal_traffic")).isEqualByComparingTo(BigDecimal.valueOf(3 * GIB));
        assertThat(f.charged(sender, hour, "internal_traffic")).isEqualTo(30_000);
        assertThat(f.scalar("SELECT count(*) FROM rating_line WHERE workspace_id = ?", receiver.id())).isZero();
        assertThat(f.balance(owner)).isEqualTo(signup(owner) - 30_000);
    }

    /**
     * Bytes through the gateway are external traffic: added to the pods' own external bytes of the workspace, in one
     * line each, rounded once; re-running charges nothing, a late edge sample is charged once as an adjustment, an
     * edge row belongs to the hour its window starts in, and one of a namespace that is no workspace's (the 5 GiB of
     * berth-system) is charged to nobody.
     */
    @Test
    void edgeBytesAreExternalTrafficRatedOnceWithThePodsBytes() throws Exception {
        UUID owner = f.account("UTC", "ratetest");
        var ws = f.workspace(owner, "ratetest");
        OffsetDateTime hour = HOUR.minusHours(13);
        // The pod sends 1 MiB to the internet itself, and answers the gateway with 1 MiB (internal: free).
        f.pod(ws, UUID.randomUUID(), hour.plusMinutes(1), 0, 0, 0, 0, MIB, 0, MIB, 0);
        // Through two gateway pods: 1 MiB out to clients in all, 2 MiB in from them.
        UUID gw1 = UUID.randomUUID();
        UUID gw2 = UUID.randomUUID();
        f.edge(ws.namespace(), gw1, hour.plusMinutes(1), 1_500_000, 700_000);
        f.edge(ws.namespace(), gw2, hour.plusMinutes(59), 597_152, 348_576);
        f.edge("berth-system", gw1, hour.plusMinutes(1), 5 * GIB, 5 * GIB);
        f.edge(ws.namespace(), gw1, hour.plusMinutes(60), GIB, GIB); // the next hour's
        long before = f.balance(owner);

        f.rate(hour);

        // egress: 1 MiB (pod) + 1 MiB (edge) = 2 MiB × 0.50/GiB = 976.5625 → 977 (rounded apart: 488 + 488 = 976)
        assertThat(quantity(ws, hour, "external_egress")).isEqualByComparingTo(BigDecimal.valueOf(2 * MIB));
        assertThat(f.charged(ws, hour, "external_egress")).isEqualTo(977);
        // ingress: 2 MiB (edge) × 0.20/GiB = 390.625 → 391
        assertThat(quantity(ws, hour, "external_ingress")).isEqualByComparingTo(BigDecimal.valueOf(2 * MIB));
        assertThat(f.charged(ws, hour, "external_ingress")).isEqualTo(391);
        assertThat(f.charged(ws, hour, "internal_traffic")).isZero();
        assertThat(f.balance(owner)).isEqualTo(before - 977 - 391);

        Rating.Result again = f.rate(hour);
        assertThat(again.charges()).isZero();
        assertThat(f.balance(owner)).isEqualTo(before - 977 - 391);

        // 2 MiB more out through the gateway arrive after the hour was rated: 4 MiB × 0.50 = 1953.125 → 1953 in all
        runs.runDue();
        f.edge(ws.namespace(), gw2, hour.plusMinutes(30), 0, 2 * MIB);
        runs.runDue();
        runs.runDue();
        assertThat(f.charged(ws, hour, "external_egress")).isEqualTo(1953);
        assertThat(f.scalar("SELECT amount_micro FROM rating_line WHERE workspace_id = ? AND hour_start = ? AND line"
                + " = 'external_egress' AND revision = 2", ws.id(), hour)).isEqualTo(976);
        // the next hour's edge bytes in the next hour: 1 GiB × 0.50 + 1 GiB × 0.20
        assertThat(f.charged(ws, hour.plusHours(1), "external_egress")).isEqualTo(500_000);
        assertThat(f.charged(ws, hour.plusHours(1), "external_ingress")).isEqualTo(200_000);
        assertThat(f.balance(owner)).isEqualTo(before - 1953 - 391 - 700_000);
        assertNoDrift();
    }

    @Test
    void rerunningAnHourChangesNoBalance() throws Exception {
        UUID owner = f.account("UTC", "ratetest");
        var ws = f.workspace(owner, "ratetest");
        f.podFor(ws, UUID.randomUUID(), HOUR.minusHours(1), 60, 30_000_000, 0, 0, 0);
        f.rate(HOUR.minusHours(1));
        long after = f.balance(owner);
        long lines = f.scalar("SELECT count(*) FROM rating_line WHERE workspace_id = ?", ws.id());

        Rating.Result again = f.rate(HOUR.minusHours(1));

        assertThat(f.balance(owner)).isEqualTo(after).isEqualTo(-500_000 + signup(owner));
        assertThat(f.scalar("SELECT count(*) FROM rating_line WHERE workspace_id = ?", ws.id())).isEqualTo(lines);
        assertThat(again.charges()).isZero();
        assertNoDrift();
    }

    @Test
    void twoRunsStartedTogetherChargeOnce() throws Exception {
        UUID owner = f.account("UTC", "ratetest");
        var ws = f.workspace(owner, "ratetest");
        OffsetDateTime hour = HOUR.minusHours(2);
        f.podFor(ws, UUID.randomUUID(), hour, 60, 60_000_000, 0, 0, 0);

        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Callable<Rating.Result>> calls = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            calls.add(() -> {
                go.await();
                return f.rate(hour);
            });
        }
        List<Future<Rating.Result>> results = new ArrayList<>();
        for (Callable<Rating.Result> c : calls) {
            results.add(pool.submit(c));
        }
        go.countDown();
        for (Future<Rating.Result> r : results) {
            r.get();
        }
        pool.shutdown();

        assertThat(f.charged(ws, hour, "cpu")).isEqualTo(1_000_000);
        assertThat(f.scalar("SELECT count(*) FROM rating_line WHERE workspace_id = ?", ws.id())).isEqualTo(1);
        assertThat(f.balance(owner)).isEqualTo(signup(owner) - 1_000_000);
        assertNoDrift();
    }

    @Test
    void aResourceDeletedBeforeTheHourStartsIsNotChargedInThatHour() throws Exception {
        UUID owner = f.account("UTC", "ratetest");
        var ws = f.workspace(owner, "ratetest");
        OffsetDateTime hour = HOUR.minusHours(4);
        // The volume and the node port existed until the hour began; the pod stopped a minute before it.
        f.object(ws, UUID.randomUUID(), "pvc", hour.minusMinutes(30), 30, 100 * GIB);
        f.object(ws, UUID.randomUUID(), "nodeport_service", hour.minusMinutes(30), 30, 1);
        f.podFor(ws, UUID.randomUUID(), hour.minusMinutes(10), 9, 60_000_000, 0, 0, 0);

        f.rate(hour);

        assertThat(f.scalar("SELECT count(*) FROM rating_line WHERE workspace_id = ? AND hour_start = ?", ws.id(),
                hour)).isZero();
        f.rate(hour.minusHours(1));
        assertThat(f.charged(ws, hour.minusHours(1), "storage")).isEqualTo(500_000); // 100 GiB × 0.5 h × 0.01
    }

    @Test
    void aLateSampleIsChargedOnceAsAnAdjustmentInTheNextRun() throws Exception {
        UUID owner = f.account("UTC", "ratetest");
        var ws = f.workspace(owner, "ratetest");
        OffsetDateTime hour = HOUR.minusHours(5);
        UUID pod = UUID.randomUUID();
        f.podFor(ws, pod, hour, 30, 60_000_000, 0, 0, 0); // half an hour of one core
        runs.runDue(); // brings the cursor to the last closed hour, rating whatever is due
        f.rate(hour); // the hour is rated (a no-op if the run above did it)
        assertThat(f.charged(ws, hour, "cpu")).isEqualTo(500_000);

        // The other half hour arrives late.
        for (int i = 30; i < 60; i++) {
            f.pod(ws, pod, hour.plusMinutes(i), 60_000_000, 0, 0, 0, 0, 0, 0, 0);
        }
        runs.runDue();
        runs.runDue();

        assertThat(f.charged(ws, hour, "cpu")).isEqualTo(1_000_000);
        assertThat(f.scalar("SELECT max(revision) FROM rating_line WHERE workspace_id = ? AND line = 'cpu'", ws.id()))
                .isEqualTo(2);
        assertThat(f.scalar(
                "SELECT amount_micro FROM rating_line WHERE workspace_id = ? AND line = 'cpu' AND revision = 2",
                ws.id())).isEqualTo(500_000);
        assertThat(f.balance(owner)).isEqualTo(signup(owner) - 1_000_000);
        assertNoDrift();
    }

    @Test
    void everyClosedHourIsRatedHoweverFarBehind() throws Exception {
        UUID owner = f.account("UTC", "ratetest");
        var ws = f.workspace(owner, "ratetest");
        // One minute of one core in each of 48 hours, starting two days and a bit ago.
        OffsetDateTime first = HOUR.minusHours(50);
        for (int h = 0; h < 48; h++) {
            f.pod(ws, UUID.randomUUID(), first.plusHours(h), 60_000_000, 0, 0, 0, 0, 0, 0, 0);
        }
        f.exec("UPDATE billing_cursor SET last_hour = ? WHERE id = 1 AND (last_hour IS NULL OR last_hour > ?)",
                first.minusHours(1), first.minusHours(1));

        runs.runDue();

        // 1 core-minute = 1/60 core-h = 16666.67 → 16667 micro-units per hour, rounded per hour and line
        assertThat(f.scalar("SELECT count(DISTINCT hour_start) FROM rating_line WHERE workspace_id = ?", ws.id()))
                .isEqualTo(48);
        assertThat(f.scalar("SELECT sum(amount_micro) FROM rating_line WHERE workspace_id = ?", ws.id()))
                .isEqualTo(48 * 16_667);
    }

    @Test
    void teamWorkspacesBillTheirOwner() throws Exception {
        UUID owner = f.account("UTC", "ratetest");
        UUID member = f.account("UTC", "ratetest");
        var ws = f.workspace(owner, "ratetest");
        f.member(ws, member, "admin");
        f.podFor(ws, UUID.randomUUID(), HOUR.minusHours(6), 60, 60_000_000, 0, 0, 0);
        long memberBefore = f.balance(member);

        f.rate(HOUR.minusHours(6));

        assertThat(f.balance(owner)).isEqualTo(signup(owner) - 1_000_000);
        assertThat(f.balance(member)).isEqualTo(memberBefore);
    }

    /**
     * Shards commit one by one: when one fails, the others' charges stay, the run reports the failure, and rating the
     * hour again charges exactly what the failed shard left out.
     */
    @Test
    void aFailedShardIsChargedByTheNextRunAndTheOthersNotAgain() throws Exception {
        UUID owner = f.account("UTC", "ratetest");
        UUID other = f.account("UTC", "ratetest");
        while (shard(other) == shard(owner)) {
            other = f.account("UTC", "ratetest");
        }
        var ok = f.workspace(owner, "ratetest");
        var failing = f.workspace(other, "ratetest");
        OffsetDateTime hour = HOUR.minusHours(60);
        f.podFor(ok, UUID.randomUUID(), hour, 60, 60_000_000, 0, 0, 0);
        f.podFor(failing, UUID.randomUUID(), hour, 60, 60_000_000, 0, 0, 0);
        f.exec("""
                CREATE FUNCTION rating_it_fail() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN RAISE EXCEPTION 'injected failure'; END; $$""");
        f.exec("CREATE TRIGGER rating_it_fail BEFORE INSERT ON rating_line FOR EACH ROW WHEN (NEW.workspace_id = '"
                + failing.id() + "') EXECUTE FUNCTION rating_it_fail()");
        try {
            assertThatThrownBy(() -> f.rate(hour)).isInstanceOf(SQLException.class)
                    .hasMessageContaining("injected failure");
        } finally {
            f.exec("DROP TRIGGER rating_it_fail ON rating_line");
            f.exec("DROP FUNCTION rating_it_fail()");
        }
        assertThat(f.charged(ok, hour, "cpu")).isEqualTo(1_000_000);
        assertThat(f.scalar("SELECT count(*) FROM rating_line WHERE workspace_id = ?", failing.id())).isZero();
        assertThat(f.balance(other)).isEqualTo(signup(other));

        f.rate(hour);

        assertThat(f.charged(failing, hour, "cpu")).isEqualTo(1_000_000);
        assertThat(f.balance(other)).isEqualTo(signup(other) - 1_000_000);
        assertThat(f.scalar("SELECT count(*) FROM rating_line WHERE workspace_id = ?", ok.id())).isEqualTo(1);
        assertThat(f.balance(owner)).isEqualTo(signup(owner) - 1_000_000);
        assertThat(f.scalar("SELECT count(*) FROM rating_usage")).as("staged usage removed").isZero();
        assertNoDrift();
    }

    private BigDecimal quantity(BillingFixtures.Ws ws, OffsetDateTime hour, String line) throws SQLException {
        try (Connection c = ds.getConnection();
                var ps = c.prepareStatement(
                        "SELECT sum(quantity) FROM rating_line WHERE workspace_id = ? AND hour_start = ? AND line = ?")) {
            ps.setObject(1, ws.id());
            ps.setObject(2, hour);
            ps.setString(3, line);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getBigDecimal(1);
            }
        }
    }

    private long shard(UUID account) throws Exception {
        return f.scalar("SELECT get_byte(uuid_send(?::uuid), 15) % " + Rating.SHARDS, account.toString());
    }

    private long signup(UUID account) throws Exception {
        return f.scalar("SELECT coalesce(sum(e.amount_micro), 0) FROM ledger_entry e JOIN ledger_transaction t "
                + "ON t.id = e.transaction_id WHERE e.account_id = ? AND t.kind = 'signup_credit'", account);
    }

    private void assertNoDrift() throws Exception {
        try (Connection c = ds.getConnection()) {
            assertThat(Ledger.drift(c)).isEmpty();
        }
    }
}
