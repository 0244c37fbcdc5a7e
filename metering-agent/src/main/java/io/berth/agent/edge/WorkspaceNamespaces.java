package io.berth.agent.edge;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.jboss.logging.Logger;

import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * The workspace namespaces (label {@code berth.io/workspace=true}, which only the backend sets: tenants cannot label
 * namespaces), from an informer. A deleted namespace stays known for {@code retain}: the gateway's last counts for its
 * services may be read after the namespace is gone, and they are still that workspace's.
 */
public class WorkspaceNamespaces {

    private static final Logger LOG = Logger.getLogger(WorkspaceNamespaces.class);

    private final KubernetesClient client;
    private final String labelKey;
    private final String labelValue;
    private final long retainMillis;
    /** Namespace name → when it was deleted (0: exists). */
    private final Map<String, Long> known = new ConcurrentHashMap<>();
    private SharedIndexInformer<Namespace> informer;

    public WorkspaceNamespaces(KubernetesClient client, String label, Duration retain) {
        this.client = client;
        int eq = label.indexOf('=');
        this.labelKey = label.substring(0, eq);
        this.labelValue = label.substring(eq + 1);
        this.retainMillis = retain.toMillis();
    }

    public void start() {
        informer = client.namespaces().withLabel(labelKey, labelValue).inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Namespace ns) {
                known.put(ns.getMetadata().getName(), 0L);
            }

            @Override
            public void onUpdate(Namespace old, Namespace ns) {
                known.put(ns.getMetadata().getName(), 0L);
            }

            @Override
            public void onDelete(Namespace ns, boolean finalStateUnknown) {
                known.put(ns.getMetadata().getName(), System.currentTimeMillis());
            }
        }, 0);
    }

    public boolean synced() {
        return informer != null && informer.hasSynced();
    }

    /** The namespaces that exist, and those deleted less than {@code retain} ago. */
    public Set<String> current() {
        long now = System.currentTimeMillis();
        known.entrySet().removeIf(e -> {
            boolean expired = e.getValue() != 0 && now - e.getValue() > retainMillis;
            if (expired) {
                LOG.debugf("workspace namespace %s forgotten by edge metering", e.getKey());
            }
            return expired;
        });
        return Set.copyOf(known.keySet());
    }

    public void stop() {
        if (informer != null) {
            informer.close();
        }
    }
}
