package io.berth.billing;

import java.time.Duration;
import java.util.Optional;

import jakarta.validation.constraints.Min;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "berth.billing")
public interface BillingConfig {

    /** The one currency of every amount (ISO 4217 code); amounts are integer micro-units of it. */
    @WithDefault("USD")
    String currency();

    /** Whether this instance runs the hourly rating and the debt lifecycle (one instance runs them at a time). */
    @WithDefault("true")
    boolean jobsEnabled();

    /** How long after an hour ends it is rated, so that samples still in flight arrive first. */
    @WithDefault("5m")
    Duration ratingDelay();

    /**
     * How many database connections rate the shards of an hour at once (at most the number of shards, 8). About the
     * number of cores the database server can give a run; the connection pool must have this many to spare.
     */
    @WithDefault("2")
    @Min(1)
    int ratingConnections();

    /** Credit every new account gets, in micro-units (0 for none). */
    @WithDefault("5000000")
    long signupCreditMicro();

    /** A balance at or below this (and above zero) is low: the owner is warned once. */
    @WithDefault("1000000")
    long lowBalanceMicro();

    /** Time between suspension and the deletion of workloads and volumes. */
    @WithDefault("14d")
    Duration deletionGrace();

    /** How long before the deletion the owner is warned once more. */
    @WithDefault("3d")
    Duration deletionWarning();

    /** Shared secret of the payment provider's top-up webhook (HMAC-SHA256); the webhook is off without it. */
    Optional<String> webhookSecret();

    /** How old a signed webhook event may be. */
    @WithDefault("5m")
    Duration webhookTolerance();
}
