package io.berth.web;

import java.time.OffsetDateTime;

import io.berth.billing.BillingQueries;

/** An account's standing as the console shows it: the balance and the debt lifecycle's state by name. */
public record BillingState(long balanceMicro, String state, OffsetDateTime since, OffsetDateTime suspendedAt,
        boolean inDebt) {

    static BillingState of(BillingQueries.Standing s) {
        return new BillingState(s.balanceMicro(), s.state().name(), s.since(), s.suspendedAt(), s.inDebt());
    }
}
