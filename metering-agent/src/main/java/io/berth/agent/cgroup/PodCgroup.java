package io.berth.agent.cgroup;

import java.nio.file.Path;

/**
 * A pod-level cgroup: the directories holding its CPU, memory and IO files (one directory on cgroup v2, one per
 * controller on v1). Processes are listed from the CPU directory.
 */
public record PodCgroup(CgroupLayout.Version version, Path cpu, Path memory, Path io) {
}
