package io.berth.agent.sample;

import io.berth.agent.cgroup.CgroupUsage;
import io.berth.agent.cgroup.PodCgroup;
import io.berth.agent.pods.PodInfo;
import io.berth.agent.sink.PodCounters;

/** What the sampler knows of one pod between two window closes. */
final class PodTrack {

    PodInfo info;
    PodCgroup cgroup;
    /** The latest successful read of the pod's cgroup. */
    CgroupUsage latest;
    /** Counter values to measure from when no committed snapshot names the pod (a pod new to the agent). */
    PodCounters initialBase;
    /** A new pod metered from its start rather than from the agent's first sight of it. */
    boolean fromStart;
    boolean gone;
    boolean vanishedLogged;
    boolean readThisWindow;
    long memorySum;
    int memoryReads;
    long memoryMax;

    PodTrack(PodInfo info) {
        this.info = info;
    }

    void recordRead(CgroupUsage usage) {
        latest = usage;
        readThisWindow = true;
        memorySum += usage.memoryWorkingSetBytes();
        memoryReads++;
        memoryMax = Math.max(memoryMax, usage.memoryWorkingSetBytes());
    }

    long memoryAverage() {
        return memoryReads == 0 ? 0 : memorySum / memoryReads;
    }

    void resetWindow() {
        readThisWindow = false;
        memorySum = 0;
        memoryReads = 0;
        memoryMax = 0;
    }
}
