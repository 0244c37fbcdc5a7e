package io.berth.agent.net;

/**
 * A pod's monotonic traffic counters (bytes and packets by class and direction: tx = sent by the pod, rx = received),
 * summed over CPUs.
 */
public record TrafficCounters(long internalTxBytes, long internalRxBytes, long externalTxBytes, long externalRxBytes,
        long internalTxPackets, long internalRxPackets, long externalTxPackets, long externalRxPackets) {

    public static final TrafficCounters ZERO = new TrafficCounters(0, 0, 0, 0, 0, 0, 0, 0);

    /** Since {@code earlier}; a counter that went down was reset (map re-created) and counts from 0. */
    public TrafficCounters since(TrafficCounters earlier) {
        return new TrafficCounters(delta(internalTxBytes, earlier.internalTxBytes),
                delta(internalRxBytes, earlier.internalRxBytes), delta(externalTxBytes, earlier.externalTxBytes),
                delta(externalRxBytes, earlier.externalRxBytes), delta(internalTxPackets, earlier.internalTxPackets),
                delta(internalRxPackets, earlier.internalRxPackets),
                delta(externalTxPackets, earlier.externalTxPackets),
                delta(externalRxPackets, earlier.externalRxPackets));
    }

    public TrafficCounters plus(TrafficCounters o) {
        return new TrafficCounters(internalTxBytes + o.internalTxBytes, internalRxBytes + o.internalRxBytes,
                externalTxBytes + o.externalTxBytes, externalRxBytes + o.externalRxBytes,
                internalTxPackets + o.internalTxPackets, internalRxPackets + o.internalRxPackets,
                externalTxPackets + o.externalTxPackets, externalRxPackets + o.externalRxPackets);
    }

    public long[] toArray() {
        return new long[]{internalTxBytes, internalRxBytes, externalTxBytes, externalRxBytes, internalTxPackets,
                internalRxPackets, externalTxPackets, externalRxPackets};
    }

    public static TrafficCounters ofArray(long[] a) {
        return new TrafficCounters(a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]);
    }

    public boolean isZero() {
        return equals(ZERO);
    }

    static long delta(long now, long before) {
        return now >= before ? now - before : now;
    }
}
