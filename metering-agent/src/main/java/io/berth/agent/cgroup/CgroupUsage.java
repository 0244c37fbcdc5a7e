package io.berth.agent.cgroup;

/**
 * One read of a pod's cgroup: monotonic CPU and IO counters, and the memory working set at the time of the read
 * (usage minus inactive file pages, as kubelet and cAdvisor define it).
 */
public record CgroupUsage(long cpuNanos, long memoryWorkingSetBytes, long ioReadBytes, long ioWriteBytes) {
}
