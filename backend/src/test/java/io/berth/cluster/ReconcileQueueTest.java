package io.berth.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

class ReconcileQueueTest {

    private final AtomicLong now = new AtomicLong();
    private final ReconcileQueue queue = new ReconcileQueue(Duration.ofMillis(200), Duration.ofSeconds(60), now::get);

    @Test
    void aKeyAddedTwiceIsQueuedOnce() throws Exception {
        queue.add("w:1");
        queue.add("w:1");
        assertThat(queue.take(10, TimeUnit.MILLISECONDS)).isEqualTo("w:1");
        assertThat(queue.take(10, TimeUnit.MILLISECONDS)).isNull();
    }

    @Test
    void aKeyChangedWhileProcessedIsProcessedAgainAfterwards() throws Exception {
        queue.add("w:1");
        String key = queue.take(10, TimeUnit.MILLISECONDS);
        queue.add("w:1");
        assertThat(queue.take(10, TimeUnit.MILLISECONDS)).as("not handed out twice at once").isNull();
        queue.done(key);
        assertThat(queue.take(10, TimeUnit.MILLISECONDS)).isEqualTo("w:1");
    }

    @Test
    void failuresBackOffExponentiallyUpToTheMaximum() {
        assertThat(queue.backoff(1)).isEqualTo(Duration.ofMillis(200));
        assertThat(queue.backoff(2)).isEqualTo(Duration.ofMillis(400));
        assertThat(queue.backoff(5)).isEqualTo(Duration.ofMillis(3200));
        assertThat(queue.backoff(30)).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void aScanDoesNotCutABackoffShortButARealChangeDoes() throws Exception {
        queue.add("w:1");
        queue.failed(queue.take(10, TimeUnit.MILLISECONDS));
        queue.addIfNotBackingOff("w:1");
        assertThat(queue.take(10, TimeUnit.MILLISECONDS)).isNull();

        now.addAndGet(Duration.ofMillis(201).toNanos());
        queue.addIfNotBackingOff("w:1");
        assertThat(queue.take(10, TimeUnit.MILLISECONDS)).isEqualTo("w:1");
        queue.failed("w:1");

        queue.add("w:1");
        assertThat(queue.take(10, TimeUnit.MILLISECONDS)).isEqualTo("w:1");
    }

    @Test
    void successResetsTheBackoff() throws Exception {
        queue.add("w:1");
        queue.failed(queue.take(10, TimeUnit.MILLISECONDS));
        queue.retry("w:1");
        String key = queue.take(10, TimeUnit.MILLISECONDS);
        queue.done(key);
        assertThat(queue.isIdle()).isTrue();
        queue.add("w:1");
        assertThat(queue.failed(queue.take(10, TimeUnit.MILLISECONDS))).isEqualTo(Duration.ofMillis(200));
    }
}
