package io.berth.agent.pods;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * The pods bound to this node, from an informer whose list and watch carry a {@code spec.nodeName} field selector: the
 * API server filters, so the agent never sees (or holds) the rest of the cluster's pods.
 */
public class NodePods {

    private static final Logger LOG = Logger.getLogger(NodePods.class);

    private final KubernetesClient client;
    private final String node;
    private final Map<String, PodInfo> pods = new ConcurrentHashMap<>();
    private SharedIndexInformer<Pod> informer;

    public NodePods(KubernetesClient client, String node) {
        this.client = client;
        this.node = node;
    }

    public void start() {
        informer = client.pods().inAnyNamespace().withField("spec.nodeName", node)
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(Pod pod) {
                        put(pod);
                    }

                    @Override
                    public void onUpdate(Pod old, Pod pod) {
                        put(pod);
                    }

                    @Override
                    public void onDelete(Pod pod, boolean finalStateUnknown) {
                        PodInfo gone = pods.remove(pod.getMetadata().getUid());
                        if (gone != null) {
                            LOG.infof("pod deleted: %s/%s uid=%s", gone.namespace(), gone.name(), gone.uid());
                        }
                    }
                }, 0);
    }

    private void put(Pod pod) {
        PodInfo info = PodInfo.of(pod);
        if (info.uid() == null) {
            return;
        }
        if (pods.put(info.uid(), info) == null) {
            LOG.infof("pod on node: %s/%s uid=%s", info.namespace(), info.name(), info.uid());
        }
    }

    /** Whether the first list has arrived; until then an absent pod proves nothing. */
    public boolean synced() {
        return informer != null && informer.hasSynced();
    }

    public boolean awaitSynced(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (!synced()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(50);
        }
        return true;
    }

    /** The pods on the node now, by uid. */
    public Map<String, PodInfo> current() {
        return Map.copyOf(pods);
    }

    public void stop() {
        if (informer != null) {
            informer.close();
        }
    }
}
