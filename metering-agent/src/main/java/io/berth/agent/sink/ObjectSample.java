package io.berth.agent.sink;

/**
 * One row of object_usage_sample: usage no node sees, from the elected collector. {@code usedBytes} and
 * {@code storageClass} may be null.
 */
public record ObjectSample(String objectUid, String kind, long windowStart, long windowEnd, String namespace,
        String name, long quantity, Long usedBytes, String storageClass) {

    public static final String PVC = "pvc";
    public static final String NODEPORT_SERVICE = "nodeport_service";
    public static final String LOADBALANCER_SERVICE = "loadbalancer_service";
}
