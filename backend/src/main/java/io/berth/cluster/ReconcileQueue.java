package io.berth.cluster;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A work queue of reconcile keys with the semantics controllers rely on: a key is queued at most once, a key changed
 * while being processed is processed again afterwards, and a failing key waits an exponential backoff before its next
 * attempt (unless a real change asks for it sooner). Thread-safe; pure logic, so unit-tested alone.
 */
public class ReconcileQueue {

    private final BlockingQueue<String> ready = new LinkedBlockingQueue<>();
    private final Set<String> queued = new HashSet<>();
    private final Set<String> processing = new HashSet<>();
    private final Set<String> dirty = new HashSet<>();
    private final Map<String, Integer> failures = new HashMap<>();
    private final Map<String, Long> retryAt = new HashMap<>();
    private final Duration baseBackoff;
    private final Duration maxBackoff;
    private final Clock clock;

    public interface Clock {
        long nanos();
    }

    public ReconcileQueue(Duration baseBackoff, Duration maxBackoff, Clock clock) {
        this.baseBackoff = baseBackoff;
        this.maxBackoff = maxBackoff;
        this.clock = clock;
    }

    public ReconcileQueue(Duration maxBackoff) {
        this(Duration.ofMillis(200), maxBackoff, System::nanoTime);
    }

    /** A change happened: process the key soon, even if it is backing off. */
    public synchronized void add(String key) {
        retryAt.remove(key);
        enqueue(key);
    }

    /** A periodic scan found the key behind: process it unless it is waiting out a backoff. */
    public synchronized void addIfNotBackingOff(String key) {
        Long at = retryAt.get(key);
        if (at != null && clock.nanos() < at) {
            return;
        }
        enqueue(key);
    }

    private void enqueue(String key) {
        if (processing.contains(key)) {
            dirty.add(key);
        } else if (queued.add(key)) {
            ready.add(key);
        }
    }

    /** The next key to process, or null after the timeout. The caller must call {@link #done} or {@link #failed}. */
    public String take(long timeout, TimeUnit unit) throws InterruptedException {
        while (true) {
            String key = ready.poll(timeout, unit);
            if (key == null) {
                return null;
            }
            synchronized (this) {
                if (queued.remove(key)) {
                    processing.add(key);
                    return key;
                }
            }
        }
    }

    public synchronized void done(String key) {
        processing.remove(key);
        failures.remove(key);
        retryAt.remove(key);
        if (dirty.remove(key)) {
            enqueue(key);
        }
    }

    /** The key failed: returns how long to wait before retrying it; the caller re-adds it after that delay. */
    public synchronized Duration failed(String key) {
        processing.remove(key);
        int n = failures.merge(key, 1, Integer::sum);
        Duration delay = backoff(n);
        retryAt.put(key, clock.nanos() + delay.toNanos());
        if (dirty.remove(key)) {
            retryAt.remove(key);
            enqueue(key);
        }
        return delay;
    }

    /** Called when the backoff of a failed key has elapsed. */
    public synchronized void retry(String key) {
        Long at = retryAt.get(key);
        if (at != null) {
            retryAt.remove(key);
            enqueue(key);
        }
    }

    Duration backoff(int failureCount) {
        long millis = baseBackoff.toMillis() << Math.min(failureCount - 1, 20);
        return Duration.ofMillis(Math.min(millis, maxBackoff.toMillis()));
    }

    public synchronized boolean isIdle() {
        return queued.isEmpty() && processing.isEmpty();
    }
}
