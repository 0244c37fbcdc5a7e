package io.berth.agent.sink;

/**
 * One row of edge_usage_sample: body bytes a workspace's services received from clients ({@code bytesIn}) and sent to
 * them ({@code bytesOut}) through one gateway pod in the window [windowStart, windowEnd) (epoch milliseconds, UTC).
 */
public record EdgeSample(long windowStart, long windowEnd, String node, String gatewayPodUid, String namespace,
        long bytesIn, long bytesOut) {
}
