package io.berth.common;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.Config;

import io.quarkus.scheduler.Scheduled;

/**
 * In-memory token buckets, one per (limit, key): a key (an account or a client address) may spend {@code capacity}
 * requests at once, and gets them back evenly over {@code period}. Limits are per backend instance, which is enough
 * to blunt guessing and scripted abuse of the endpoints near sign-up; each is configured as
 * {@code berth.rate-limits.<name>=<capacity>/<ISO-8601 period>}, e.g. {@code 10/PT1H}.
 * <p>
 * This is the one rate-limit mechanism, and it makes the keys itself: an account's requests are keyed on its id
 * whichever way they come (API with a Keycloak token or an API token, or a page), so the feature services spend the
 * limit and the API and the console share one budget; only anonymous visitors are keyed on their client address.
 * (Before, the API was keyed on the principal's name and the pages on the account, so every limit was twice as high
 * through both.)
 */
@ApplicationScoped
public class RateLimiter {

    /** The limits and their defaults. */
    public enum Limit {
        /** Personal access tokens made per account. */
        TOKEN_CREATE("token-create", 10, Duration.ofHours(1)),
        /** Invitation links answered (accepted or declined) per account: tokens cannot be guessed at volume. */
        INVITATION_ANSWER("invitation-answer", 20, Duration.ofHours(1)),
        /** Invitations sent per account (each may e-mail a stranger). */
        INVITATION_CREATE("invitation-create", 50, Duration.ofHours(1)),
        /** Voucher codes tried per account. */
        VOUCHER_REDEEM("voucher-redeem", 10, Duration.ofHours(1)),
        /** Workspaces created per account. */
        WORKSPACE_CREATE("workspace-create", 20, Duration.ofHours(1)),
        /** Kubeconfigs issued and credential rotations per account. */
        CREDENTIAL_ISSUE("credential-issue", 60, Duration.ofHours(1)),
        /** Sign-up starts per client address. */
        SIGNUP("signup", 30, Duration.ofMinutes(10));

        public final String configName;
        final int defaultCapacity;
        final Duration defaultPeriod;

        Limit(String configName, int defaultCapacity, Duration defaultPeriod) {
            this.configName = configName;
            this.defaultCapacity = defaultCapacity;
            this.defaultPeriod = defaultPeriod;
        }
    }

    record Rule(int capacity, Duration period) {
        static Rule parse(String value) {
            String[] parts = value.strip().split("/", 2);
            int capacity = Integer.parseInt(parts[0].strip());
            Duration period = Duration.parse(parts[1].strip());
            if (capacity < 1 || period.isNegative() || period.isZero()) {
                throw new IllegalArgumentException("rate limit must be <capacity >= 1>/<positive period>: " + value);
            }
            return new Rule(capacity, period);
        }
    }

    /** A bucket's state; synchronized per bucket so concurrent requests of one key are counted exactly. */
    static final class Bucket {
        private final Rule rule;
        private double tokens;
        private long updatedNanos;

        Bucket(Rule rule, long now) {
            this.rule = rule;
            this.tokens = rule.capacity();
            this.updatedNanos = now;
        }

        /** Takes a token; returns 0 when one was there, or how many nanoseconds until one is. */
        synchronized long take(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return (long) Math.ceil((1 - tokens) * nanosPerToken());
        }

        synchronized boolean full(long now) {
            refill(now);
            return tokens >= rule.capacity();
        }

        private void refill(long now) {
            double gained = (now - updatedNanos) / nanosPerToken();
            tokens = Math.min(rule.capacity(), tokens + gained);
            updatedNanos = now;
        }

        private double nanosPerToken() {
            return (double) rule.period().toNanos() / rule.capacity();
        }
    }

    private final Map<Limit, Rule> rules = new ConcurrentHashMap<>();
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final Config config;
    private java.util.function.LongSupplier clock = System::nanoTime;

    RateLimiter(Config config) {
        this.config = config;
    }

    /** For tests: a clock in nanoseconds. */
    void clock(java.util.function.LongSupplier clock) {
        this.clock = clock;
    }

    /**
     * Spends one request of this account under {@code limit}; throws {@link RateLimitedException} when none is left.
     */
    public void check(Limit limit, UUID account) {
        spend(limit, "account:" + account);
    }

    /** Spends one request of an anonymous visitor, who is known only by its client address ({@link ClientAddress}). */
    public void checkAnonymous(Limit limit, String clientAddress) {
        spend(limit, "ip:" + clientAddress);
    }

    private void spend(Limit limit, String key) {
        Rule rule = rules.computeIfAbsent(limit, this::rule);
        long now = clock.getAsLong();
        Bucket bucket = buckets.computeIfAbsent(limit.configName + '|' + key, k -> new Bucket(rule, now));
        long waitNanos = bucket.take(now);
        if (waitNanos > 0) {
            throw new RateLimitedException(limit, Math.max(1, (waitNanos + 999_999_999L) / 1_000_000_000L));
        }
    }

    private Rule rule(Limit limit) {
        return config.getOptionalValue("berth.rate-limits." + limit.configName, String.class).map(Rule::parse)
                .orElse(new Rule(limit.defaultCapacity, limit.defaultPeriod));
    }

    /** Full buckets hold no information: drop them so memory stays bounded by the keys active recently. */
    @Scheduled(every = "5m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void evictFull() {
        long now = clock.getAsLong();
        buckets.values().removeIf(b -> b.full(now));
    }

    int size() {
        return buckets.size();
    }
}
