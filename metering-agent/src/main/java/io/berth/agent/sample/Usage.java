package io.berth.agent.sample;

import io.berth.agent.net.TrafficCounters;

/** How far a pod's counters moved: the usage to put into sample rows. */
public record Usage(long cpuUsec, long ioReadBytes, long ioWriteBytes, TrafficCounters net) {

    public boolean isZero() {
        return cpuUsec == 0 && ioReadBytes == 0 && ioWriteBytes == 0 && net.isZero();
    }
}
