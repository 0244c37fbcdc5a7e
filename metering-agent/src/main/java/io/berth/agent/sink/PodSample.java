package io.berth.agent.sink;

/** One row of pod_usage_sample: a pod's usage in the window [windowStart, windowEnd) (epoch milliseconds, UTC). */
public record PodSample(String podUid, long windowStart, long windowEnd, String node, String namespace, String podName,
        long cpuUsageUsec, long memoryAvgBytes, long memoryMaxBytes, long cpuRequestMillis, long cpuLimitMillis,
        long memoryRequestBytes, long memoryLimitBytes, long ioReadBytes, long ioWriteBytes,
        long netInternalTxBytes, long netInternalRxBytes, long netExternalTxBytes, long netExternalRxBytes,
        long netInternalTxPackets, long netInternalRxPackets, long netExternalTxPackets,
        long netExternalRxPackets) {
}
