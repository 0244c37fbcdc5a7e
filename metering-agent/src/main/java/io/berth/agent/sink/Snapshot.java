package io.berth.agent.sink;

import java.util.Map;

import io.berth.agent.edge.GatewayCounters;

/**
 * Where metering stands: every sample up to {@code windowEnd} (epoch ms; 0 before the first) is committed, and
 * {@code pods} holds the counter values those samples ended at, {@code edge} those of the gateway pods on the node (by
 * pod uid). {@code meteringSince} is when this node's agent first started: pods created before it are metered from
 * when the agent first saw them, later ones from their start; {@code edgeSince} is the same for gateway pods and edge
 * metering (0 in a snapshot written before edge metering existed).
 */
public record Snapshot(long windowEnd, long meteringSince, Map<String, PodCounters> pods,
        Map<String, GatewayCounters> edge, long edgeSince) {

    public Snapshot(long windowEnd, long meteringSince, Map<String, PodCounters> pods) {
        this(windowEnd, meteringSince, pods, Map.of(), meteringSince);
    }

    public static Snapshot empty(long now) {
        return new Snapshot(0, now, Map.of(), Map.of(), now);
    }
}
