package io.berth.agent.sink;

import java.util.List;

/**
 * What one window close (or collector run) produced, as written to the spool: the unit of commit and of sending. A
 * pods segment carries the snapshot its rows end at, so the spool file is at once the samples and the proof of how far
 * metering got: there is no moment where one exists without the other. Its edge rows (bytes through the gateway)
 * belong to the same commit, for the same reason.
 */
public record Segment(int version, String kind, long windowEnd, List<PodSample> pods, List<ObjectSample> objects,
        List<EdgeSample> edge, Snapshot snapshot) {

    public static final String PODS = "pods";
    public static final String OBJECTS = "objects";

    public Segment(int version, String kind, long windowEnd, List<PodSample> pods, List<ObjectSample> objects,
            Snapshot snapshot) {
        this(version, kind, windowEnd, pods, objects, List.of(), snapshot);
    }

    public int rows() {
        return (pods == null ? 0 : pods.size()) + (objects == null ? 0 : objects.size())
                + (edge == null ? 0 : edge.size());
    }
}
