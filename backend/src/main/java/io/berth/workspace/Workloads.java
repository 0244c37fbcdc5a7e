package io.berth.workspace;

import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * What suspension does to the workloads of a workspace, and how resumption undoes it: replica counts go to zero and
 * are remembered in an annotation, CronJobs and Jobs are suspended (and only those Berth suspended are resumed), bare
 * pods are deleted (nothing would restart them anyway). Purging, the last step of the debt lifecycle, deletes
 * workloads, Services and volumes. Every step is idempotent.
 */
@ApplicationScoped
public class Workloads {

    public static final String REPLICAS = "berth.io/replicas-before-suspension";
    public static final String SUSPENDED_BY_BERTH = "berth.io/suspended-by-berth";

    private final KubernetesClient client;

    Workloads(KubernetesClient client) {
        this.client = client;
    }

    public void suspend(String ns) {
        client.apps().deployments().inNamespace(ns).list().getItems().stream()
                .filter(d -> replicas(d.getSpec().getReplicas()) > 0)
                .forEach(d -> client.apps().deployments().inNamespace(ns).withName(name(d)).edit(x -> {
                    annotations(x).put(REPLICAS, Integer.toString(replicas(x.getSpec().getReplicas())));
                    x.getSpec().setReplicas(0);
                    return x;
                }));
        client.apps().statefulSets().inNamespace(ns).list().getItems().stream()
                .filter(s -> replicas(s.getSpec().getReplicas()) > 0)
                .forEach(s -> client.apps().statefulSets().inNamespace(ns).withName(name(s)).edit(x -> {
                    annotations(x).put(REPLICAS, Integer.toString(replicas(x.getSpec().getReplicas())));
                    x.getSpec().setReplicas(0);
                    return x;
                }));
        client.apps().replicaSets().inNamespace(ns).list().getItems().stream()
                .filter(r -> unowned(r) && replicas(r.getSpec().getReplicas()) > 0)
                .forEach(r -> client.apps().replicaSets().inNamespace(ns).withName(name(r)).edit(x -> {
                    annotations(x).put(REPLICAS, Integer.toString(replicas(x.getSpec().getReplicas())));
                    x.getSpec().setReplicas(0);
                    return x;
                }));
        client.batch().v1().cronjobs().inNamespace(ns).list().getItems().stream()
                .filter(c -> !Boolean.TRUE.equals(c.getSpec().getSuspend()))
                .forEach(c -> client.batch().v1().cronjobs().inNamespace(ns).withName(name(c)).edit(x -> {
                    annotations(x).put(SUSPENDED_BY_BERTH, "true");
                    x.getSpec().setSuspend(true);
                    return x;
                }));
        client.batch().v1().jobs().inNamespace(ns).list().getItems().stream()
                .filter(j -> !Boolean.TRUE.equals(j.getSpec().getSuspend()) && j.getStatus() != null
                        && j.getStatus().getCompletionTime() == null)
                .forEach(j -> client.batch().v1().jobs().inNamespace(ns).withName(name(j)).edit(x -> {
                    annotations(x).put(SUSPENDED_BY_BERTH, "true");
                    x.getSpec().setSuspend(true);
                    return x;
                }));
        List<Pod> bare = client.pods().inNamespace(ns).list().getItems().stream().filter(Workloads::unowned).toList();
        for (Pod p : bare) {
            client.resource(p).delete();
        }
    }

    public void resume(String ns) {
        client.apps().deployments().inNamespace(ns).list().getItems().stream()
                .filter(d -> annotations(d).containsKey(REPLICAS))
                .forEach(d -> client.apps().deployments().inNamespace(ns).withName(name(d)).edit(x -> {
                    x.getSpec().setReplicas(Integer.parseInt(annotations(x).remove(REPLICAS)));
                    return x;
                }));
        client.apps().statefulSets().inNamespace(ns).list().getItems().stream()
                .filter(s -> annotations(s).containsKey(REPLICAS))
                .forEach(s -> client.apps().statefulSets().inNamespace(ns).withName(name(s)).edit(x -> {
                    x.getSpec().setReplicas(Integer.parseInt(annotations(x).remove(REPLICAS)));
                    return x;
                }));
        client.apps().replicaSets().inNamespace(ns).list().getItems().stream()
                .filter(r -> annotations(r).containsKey(REPLICAS))
                .forEach(r -> client.apps().replicaSets().inNamespace(ns).withName(name(r)).edit(x -> {
                    x.getSpec().setReplicas(Integer.parseInt(annotations(x).remove(REPLICAS)));
                    return x;
                }));
        client.batch().v1().cronjobs().inNamespace(ns).list().getItems().stream()
                .filter(c -> annotations(c).containsKey(SUSPENDED_BY_BERTH))
                .forEach(c -> client.batch().v1().cronjobs().inNamespace(ns).withName(name(c)).edit(x -> {
                    annotations(x).remove(SUSPENDED_BY_BERTH);
                    x.getSpec().setSuspend(false);
                    return x;
                }));
        client.batch().v1().jobs().inNamespace(ns).list().getItems().stream()
                .filter(j -> annotations(j).containsKey(SUSPENDED_BY_BERTH))
                .forEach(j -> client.batch().v1().jobs().inNamespace(ns).withName(name(j)).edit(x -> {
                    annotations(x).remove(SUSPENDED_BY_BERTH);
                    x.getSpec().setSuspend(false);
                    return x;
                }));
    }

    /** Deletes workloads, Services and volumes; configuration (ConfigMaps, Secrets) stays. */
    public void purge(String ns) {
        client.apps().deployments().inNamespace(ns).delete();
        client.apps().statefulSets().inNamespace(ns).delete();
        client.apps().replicaSets().inNamespace(ns).delete();
        client.batch().v1().cronjobs().inNamespace(ns).delete();
        client.batch().v1().jobs().inNamespace(ns).delete();
        client.pods().inNamespace(ns).delete();
        client.services().inNamespace(ns).delete();
        client.persistentVolumeClaims().inNamespace(ns).delete();
    }

    private static int replicas(Integer r) {
        return r == null ? 1 : r;
    }

    private static boolean unowned(HasMetadata o) {
        return o.getMetadata().getOwnerReferences() == null || o.getMetadata().getOwnerReferences().isEmpty();
    }

    private static String name(HasMetadata o) {
        return o.getMetadata().getName();
    }

    private static Map<String, String> annotations(HasMetadata o) {
        if (o.getMetadata().getAnnotations() == null) {
            o.getMetadata().setAnnotations(new java.util.HashMap<>());
        }
        return o.getMetadata().getAnnotations();
    }
}
