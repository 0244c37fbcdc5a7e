package io.berth.billing;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.function.BooleanSupplier;

import io.berth.billing.DebtLifecycle.State;

/**
 * What the debt lifecycle does next to one account, decided from its state, balance and the time alone, so that
 * every branch can be tested without a database. {@link DebtLifecycle} carries the step out.
 *
 * <ul>
 * <li>Money in lifts a suspended or terminated account straight back, once the balance is above zero.</li>
 * <li>A balance at or below zero suspends a good or low account.</li>
 * <li>A suspended account is terminated when the grace period has run out, and warned once before.</li>
 * <li>A good account at or below the low mark is warned that it is low; a low one back above it is good again.</li>
 * </ul>
 */
public record DebtRules(long lowBalanceMicro, Duration deletionGrace, Duration deletionWarning) {

    static DebtRules of(BillingConfig config) {
        return new DebtRules(config.lowBalanceMicro(), config.deletionGrace(), config.deletionWarning());
    }

    /** What happens to the owner's workspaces. */
    public enum Workspaces {
        unchanged, suspend, resume, purge
    }

    /**
     * One step: the state afterwards, whether the account's state row changes (and to which suspension time), what
     * happens to its workspaces, and the notice to send (null for none).
     */
    public record Step(State next, boolean moves, OffsetDateTime suspendedAt, Workspaces workspaces,
            Notices.Kind notice) {

        static Step stay(State current) {
            return new Step(current, false, null, Workspaces.unchanged, null);
        }
    }

    /**
     * The step for an account in {@code current} with this balance, suspended since {@code suspendedAt} (null when
     * not suspended); {@code warned} says whether it was warned of the deletion since, asked only when it matters.
     */
    public Step next(State current, long balanceMicro, OffsetDateTime suspendedAt, OffsetDateTime now,
            BooleanSupplier warned) {
        boolean inDebt = current == State.suspended || current == State.terminated;
        if (balanceMicro > 0 && inDebt) {
            State next = balanceMicro <= lowBalanceMicro ? State.low : State.good;
            return new Step(next, true, null, Workspaces.resume, Notices.Kind.resumed);
        }
        if (balanceMicro <= 0 && !inDebt) {
            return new Step(State.suspended, true, now, Workspaces.suspend, Notices.Kind.suspended);
        }
        if (current == State.suspended && suspendedAt != null) {
            OffsetDateTime deletion = deletionAt(suspendedAt);
            if (!now.isBefore(deletion)) {
                return new Step(State.terminated, true, suspendedAt, Workspaces.purge, Notices.Kind.terminated);
            }
            if (!now.isBefore(deletion.minus(deletionWarning)) && !warned.getAsBoolean()) {
                return new Step(State.suspended, false, null, Workspaces.unchanged, Notices.Kind.deletion_warning);
            }
            return Step.stay(current);
        }
        if (balanceMicro > 0 && balanceMicro <= lowBalanceMicro && current == State.good) {
            return new Step(State.low, true, null, Workspaces.unchanged, Notices.Kind.low_balance);
        }
        if (balanceMicro > lowBalanceMicro && current == State.low) {
            return new Step(State.good, true, null, Workspaces.unchanged, null);
        }
        return Step.stay(current);
    }

    /** When the workloads and volumes of an account suspended at this time are deleted. */
    public OffsetDateTime deletionAt(OffsetDateTime suspendedAt) {
        return suspendedAt.plus(deletionGrace);
    }

    /** What the owner is told, in words: the subject, then the body after the greeting. */
    public record Words(String subject, String body) {
    }

    /** The notice's words; {@code money} is the balance as people read it, {@code deletion} when purging happens. */
    public Words words(Notices.Kind kind, String money, OffsetDateTime deletion) {
        return switch (kind) {
            case resumed -> new Words("Your Berth workspaces are running again",
                    "Your balance is " + money + "; your workspaces have been resumed.");
            case suspended -> new Words("Your Berth workspaces are suspended", "Your balance is " + money
                    + ". Your workloads have been scaled to zero; your data is kept. Top up to resume. Without a "
                    + "top-up, workloads and volumes are deleted after " + deletionGrace.toDays() + " days.");
            case terminated -> new Words("Your Berth workloads and volumes were deleted", "Your balance stayed at "
                    + money + " for " + deletionGrace.toDays() + " days, so your workloads, Services and volumes "
                    + "were deleted. Your workspaces and their configuration remain.");
            case deletion_warning -> new Words("Your Berth workloads will be deleted soon", "Your balance is "
                    + money + ". Unless you top up, your workloads and volumes are deleted at " + deletion + ".");
            case low_balance -> new Words("Your Berth balance is low", "Your balance is " + money
                    + ". Top up to keep your workspaces running: they are suspended when it reaches zero.");
        };
    }
}
