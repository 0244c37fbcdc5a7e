package io.berth.agent.sink;

import io.berth.agent.net.TrafficCounters;
import io.berth.agent.pods.PodResources;

/**
 * The monotonic counter values a pod's last committed sample ended at: the next sample is what the counters moved
 * since. {@code slot} is the traffic slot the {@code net} values belong to (0: none). Name and reservation are kept so
 * that a pod deleted while the agent was down still gets its last row.
 */
public record PodCounters(String namespace, String name, PodResources resources, long cpuNanos, long ioReadBytes,
        long ioWriteBytes, int slot, TrafficCounters net) {
}
