package io.berth.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

class RateLimiterTest {

    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final UUID a = UUID.randomUUID();
    private final UUID b = UUID.randomUUID();

    private RateLimiter limiter(String rule) {
        RateLimiter limiter = new RateLimiter(new SmallRyeConfigBuilder()
                .withSources(new PropertiesConfigSource(Map.of("berth.rate-limits.token-create", rule), "test", 500))
                .build());
        limiter.clock(now::get);
        return limiter;
    }

    @Test
    void aBurstUpToCapacityThenRetryAfterUntilATokenIsBack() {
        RateLimiter limiter = limiter("3/PT1M");
        for (int i = 0; i < 3; i++) {
            limiter.check(RateLimiter.Limit.TOKEN_CREATE, a);
        }
        assertThatThrownBy(() -> limiter.check(RateLimiter.Limit.TOKEN_CREATE, a))
                .isInstanceOfSatisfying(RateLimitedException.class, e -> {
                    assertThat(e.retryAfterSeconds()).isEqualTo(20);
                    assertThat(e.problem().status()).isEqualTo(429);
                });
        // Another key has its own bucket.
        limiter.check(RateLimiter.Limit.TOKEN_CREATE, b);
        // One token comes back every 20 s.
        now.addAndGet(Duration.ofSeconds(20).toNanos());
        limiter.check(RateLimiter.Limit.TOKEN_CREATE, a);
        assertThatThrownBy(() -> limiter.check(RateLimiter.Limit.TOKEN_CREATE, a))
                .isInstanceOf(RateLimitedException.class);
    }

    @Test
    void fullBucketsAreForgotten() {
        RateLimiter limiter = limiter("2/PT10S");
        limiter.check(RateLimiter.Limit.TOKEN_CREATE, a);
        limiter.checkAnonymous(RateLimiter.Limit.SIGNUP, "192.0.2.1");
        assertThat(limiter.size()).isEqualTo(2);
        now.addAndGet(Duration.ofHours(1).toNanos());
        limiter.evictFull();
        assertThat(limiter.size()).isZero();
    }

    @Test
    void unconfiguredLimitsUseTheirDefaults() {
        RateLimiter limiter = limiter("1/PT1H");
        for (int i = 0; i < 30; i++) {
            limiter.checkAnonymous(RateLimiter.Limit.SIGNUP, "192.0.2.1");
        }
        assertThatThrownBy(() -> limiter.checkAnonymous(RateLimiter.Limit.SIGNUP, "192.0.2.1"))
                .isInstanceOf(RateLimitedException.class);
    }

    @Test
    void anAccountAndAnAddressNeverShareABucket() {
        RateLimiter limiter = limiter("1/PT1H");
        limiter.check(RateLimiter.Limit.TOKEN_CREATE, a);
        assertThatThrownBy(() -> limiter.check(RateLimiter.Limit.TOKEN_CREATE, a))
                .isInstanceOf(RateLimitedException.class);
        // An address that happens to spell the account's id is another key.
        limiter.checkAnonymous(RateLimiter.Limit.TOKEN_CREATE, a.toString());
        assertThat(limiter.size()).isEqualTo(2);
    }
}
