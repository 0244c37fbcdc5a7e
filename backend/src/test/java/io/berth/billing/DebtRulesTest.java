package io.berth.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import io.berth.billing.DebtLifecycle.State;
import io.berth.billing.DebtRules.Step;
import io.berth.billing.DebtRules.Workspaces;

/** Every transition of the debt lifecycle, from state, balance and time alone. */
class DebtRulesTest {

    private static final long LOW = 1_000_000;
    private static final OffsetDateTime NOW = OffsetDateTime.of(2026, 11, 20, 10, 0, 0, 0, ZoneOffset.UTC);
    private final DebtRules rules = new DebtRules(LOW, Duration.ofDays(14), Duration.ofDays(3));

    private Step next(State current, long balance) {
        return rules.next(current, balance, null, NOW, () -> false);
    }

    private Step suspendedSince(Duration ago, boolean warned) {
        return rules.next(State.suspended, -5, NOW.minus(ago), NOW, () -> warned);
    }

    @Test
    void aBalanceAtOrBelowZeroSuspendsAGoodOrLowAccountFromNow() {
        for (State s : new State[]{State.good, State.low}) {
            for (long balance : new long[]{0, -1, -5_000_000}) {
                Step step = next(s, balance);
                assertThat(step.next()).isEqualTo(State.suspended);
                assertThat(step.workspaces()).isEqualTo(Workspaces.suspend);
                assertThat(step.moves()).isTrue();
                assertThat(step.suspendedAt()).isEqualTo(NOW);
                assertThat(step.notice()).isEqualTo(Notices.Kind.suspended);
            }
        }
    }

    @Test
    void moneyInLiftsASuspendedOrTerminatedAccountToGoodOrLow() {
        for (State s : new State[]{State.suspended, State.terminated}) {
            Step good = next(s, LOW + 1);
            assertThat(good.next()).isEqualTo(State.good);
            assertThat(good.workspaces()).isEqualTo(Workspaces.resume);
            assertThat(good.suspendedAt()).as("no longer suspended").isNull();
            assertThat(good.notice()).isEqualTo(Notices.Kind.resumed);
            assertThat(next(s, LOW).next()).as("at the low mark: low").isEqualTo(State.low);
            assertThat(next(s, 1).next()).isEqualTo(State.low);
            assertThat(next(s, 1).workspaces()).isEqualTo(Workspaces.resume);
        }
    }

    @Test
    void aDebtIsCarriedUntilTheBalanceIsAboveZero() {
        Step step = rules.next(State.suspended, 0, NOW.minusDays(1), NOW, () -> false);
        assertThat(step.next()).isEqualTo(State.suspended);
        assertThat(step.workspaces()).isEqualTo(Workspaces.unchanged);
        assertThat(step.moves()).isFalse();
        assertThat(next(State.terminated, 0).next()).isEqualTo(State.terminated);
        assertThat(next(State.terminated, -1).workspaces()).isEqualTo(Workspaces.unchanged);
    }

    @Test
    void theGracePeriodEndsInTerminationKeepingTheSuspensionTime() {
        Step step = suspendedSince(Duration.ofDays(14), false);
        assertThat(step.next()).isEqualTo(State.terminated);
        assertThat(step.workspaces()).isEqualTo(Workspaces.purge);
        assertThat(step.moves()).isTrue();
        assertThat(step.suspendedAt()).isEqualTo(NOW.minusDays(14));
        assertThat(step.notice()).isEqualTo(Notices.Kind.terminated);
        assertThat(suspendedSince(Duration.ofDays(30), true).next()).isEqualTo(State.terminated);
    }

    @Test
    void aWarningComesOnceInTheLastDaysBeforeTheDeletion() {
        Step warn = suspendedSince(Duration.ofDays(11), false);
        assertThat(warn.next()).isEqualTo(State.suspended);
        assertThat(warn.notice()).isEqualTo(Notices.Kind.deletion_warning);
        assertThat(warn.moves()).as("a warning changes no state").isFalse();
        assertThat(warn.workspaces()).isEqualTo(Workspaces.unchanged);
        assertThat(suspendedSince(Duration.ofDays(11), true).notice()).as("warned already").isNull();
        assertThat(suspendedSince(Duration.ofDays(13).plusHours(23), false).notice())
                .isEqualTo(Notices.Kind.deletion_warning);
    }

    @Test
    void beforeTheWarningWindowNothingHappensAndNobodyAsksWhetherAWarningWasSent() {
        AtomicInteger asked = new AtomicInteger();
        Step step = rules.next(State.suspended, -5, NOW.minus(Duration.ofDays(10).plusHours(23)), NOW,
                () -> asked.incrementAndGet() > 0);
        assertThat(step).isEqualTo(Step.stay(State.suspended));
        assertThat(asked).hasValue(0);
    }

    @Test
    void aSuspendedAccountWithoutASuspensionTimeWaitsForMoney() {
        assertThat(rules.next(State.suspended, -5, null, NOW, () -> false)).isEqualTo(Step.stay(State.suspended));
    }

    @Test
    void aGoodAccountAtOrBelowTheLowMarkIsWarnedOnceAndALowOneAboveItIsGoodAgain() {
        Step low = next(State.good, LOW);
        assertThat(low.next()).isEqualTo(State.low);
        assertThat(low.notice()).isEqualTo(Notices.Kind.low_balance);
        assertThat(low.workspaces()).isEqualTo(Workspaces.unchanged);
        assertThat(low.moves()).isTrue();
        assertThat(next(State.good, 1).next()).isEqualTo(State.low);
        assertThat(next(State.low, LOW)).as("low stays low, without another warning").isEqualTo(Step.stay(State.low));
        Step good = next(State.low, LOW + 1);
        assertThat(good.next()).isEqualTo(State.good);
        assertThat(good.notice()).isNull();
        assertThat(good.moves()).isTrue();
    }

    @Test
    void aGoodAccountAboveTheLowMarkStaysAsItIs() {
        assertThat(next(State.good, LOW + 1)).isEqualTo(Step.stay(State.good));
    }

    @Test
    void theDeletionIsTheGracePeriodAfterTheSuspension() {
        assertThat(rules.deletionAt(NOW)).isEqualTo(NOW.plusDays(14));
    }

    @Test
    void theNoticesSayWhatHappensAndWhen() {
        assertThat(rules.words(Notices.Kind.suspended, "-0.05 USD", null).body())
                .contains("-0.05 USD", "scaled to zero", "deleted after 14 days");
        assertThat(rules.words(Notices.Kind.deletion_warning, "-0.05 USD", NOW).body())
                .endsWith("deleted at " + NOW + ".");
        assertThat(rules.words(Notices.Kind.terminated, "-0.05 USD", null).subject())
                .isEqualTo("Your Berth workloads and volumes were deleted");
        assertThat(rules.words(Notices.Kind.resumed, "3.00 USD", null).body())
                .isEqualTo("Your balance is 3.00 USD; your workspaces have been resumed.");
        assertThat(rules.words(Notices.Kind.low_balance, "0.50 USD", null).subject())
                .isEqualTo("Your Berth balance is low");
    }

    @Test
    void onlyTheDebtStatesAreInDebt() {
        assertThat(State.suspended.inDebt()).isTrue();
        assertThat(State.terminated.inDebt()).isTrue();
        assertThat(State.good.inDebt()).isFalse();
        assertThat(State.low.inDebt()).isFalse();
    }
}
