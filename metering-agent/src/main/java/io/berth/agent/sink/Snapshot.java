package io.berth.agent.sink;

import java.util.Map;

/**
 * Where metering stands: every sample up to {@code windowEnd} (epoch ms; 0 before the first) is committed, and
 * {@code pods} holds the counter values those samples ended at. {@code meteringSince} is when this node's agent first
 * started: pods created before it are metered from when the agent first saw them, later ones from their start.
 */
public record Snapshot(long windowEnd, long meteringSince, Map<String, PodCounters> pods) {

    public static Snapshot empty(long now) {
        return new Snapshot(0, now, Map.of());
    }
}
