package io.berth.common;

/** A rate limit is used up; answered with 429 and {@code Retry-After}. */
public class RateLimitedException extends RuntimeException {

    private final RateLimiter.Limit limit;
    private final long retryAfterSeconds;

    public RateLimitedException(RateLimiter.Limit limit, long retryAfterSeconds) {
        super("rate limit " + limit.configName + " reached; retry after " + retryAfterSeconds + " s");
        this.limit = limit;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public RateLimiter.Limit limit() {
        return limit;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public Problem problem() {
        return Problem.of(429, "Too many requests", "Too many requests of this kind (" + limit.configName
                + "); try again in " + retryAfterSeconds + " seconds");
    }
}
