package io.berth.agent.edge;

import java.util.Map;

/**
 * The counter values of one gateway pod that the last committed edge samples ended at: per Traefik service, per series
 * (the other labels), the bytes. {@code startMillis} is the gateway process's start time then (0: unknown); a
 * different one later means the process restarted and every counter began again at 0.
 */
public record GatewayCounters(String namespace, String name, long startMillis,
        Map<String, Map<String, Bytes>> services) {
}
