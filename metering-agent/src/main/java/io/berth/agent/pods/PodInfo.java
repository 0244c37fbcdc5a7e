package io.berth.agent.pods;

import java.time.Instant;
import java.util.Map;

import io.fabric8.kubernetes.api.model.Pod;

/** What the agent keeps of a pod on its node (the labels pick out the gateway's pods). */
public record PodInfo(String uid, String namespace, String name, String node, String podIp, String qosClass,
        boolean hostNetwork, Instant created, PodResources resources, Map<String, String> labels) {

    public static PodInfo of(Pod pod) {
        var meta = pod.getMetadata();
        var spec = pod.getSpec();
        var status = pod.getStatus();
        Instant created = meta.getCreationTimestamp() == null
                ? Instant.EPOCH
                : Instant.parse(meta.getCreationTimestamp());
        return new PodInfo(meta.getUid(), meta.getNamespace(), meta.getName(), spec == null ? null : spec.getNodeName(),
                status == null ? null : status.getPodIP(), status == null ? null : status.getQosClass(),
                spec != null && Boolean.TRUE.equals(spec.getHostNetwork()), created, PodResources.of(spec),
                meta.getLabels() == null ? Map.of() : Map.copyOf(meta.getLabels()));
    }
}
