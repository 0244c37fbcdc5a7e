package io.berth.agent.cluster;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jboss.logging.Logger;

import io.berth.agent.sample.Sampler;
import io.berth.agent.sink.Flusher;
import io.berth.agent.sink.ObjectSample;
import io.berth.agent.sink.Segment;
import io.berth.agent.sink.Spool;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;

/**
 * Usage no node sees, collected by the one elected agent: each PVC's requested storage, each NodePort Service's node
 * ports, each LoadBalancer Service. Every object present at any read within a window gets a row for that window (its
 * largest quantity seen); an object deleted before a window starts gets none. A new leader and an old one writing the
 * same window produce the same keys, which the database keeps once.
 */
public final class ObjectCollector implements Sampler.WindowListener {

    private static final Logger LOG = Logger.getLogger(ObjectCollector.class);

    private final KubernetesClient client;
    private final Spool spool;
    private final Flusher flusher;
    private final Map<String, ObjectSample> seen = new HashMap<>();
    private volatile boolean active;
    private SharedIndexInformer<PersistentVolumeClaim> claims;
    private SharedIndexInformer<Service> services;

    public ObjectCollector(KubernetesClient client, Spool spool, Flusher flusher) {
        this.client = client;
        this.spool = spool;
        this.flusher = flusher;
    }

    public synchronized void activate() {
        if (active) {
            return;
        }
        claims = client.persistentVolumeClaims().inAnyNamespace().inform();
        services = client.services().inAnyNamespace().inform();
        active = true;
        LOG.info("cluster collector active: this agent leads the collection of PVC and Service usage");
    }

    public synchronized void deactivate() {
        if (!active) {
            return;
        }
        active = false;
        claims.close();
        services.close();
        seen.clear();
        LOG.info("cluster collector inactive: another agent leads");
    }

    public boolean active() {
        return active;
    }

    @Override
    public synchronized void read(long now) {
        if (!active || !claims.hasSynced() || !services.hasSynced()) {
            return;
        }
        for (PersistentVolumeClaim pvc : claims.getStore().list()) {
            observe(pvcSample(pvc));
        }
        for (Service svc : services.getStore().list()) {
            observe(serviceSample(svc));
        }
    }

    private void observe(ObjectSample s) {
        if (s == null) {
            return;
        }
        seen.merge(s.objectUid() + "/" + s.kind(), s, (a, b) -> b.quantity() >= a.quantity() ? b : a);
    }

    @Override
    public synchronized void windowClosed(long windowStart, long windowEnd) {
        if (!active) {
            return;
        }
        read(windowEnd);
        if (!claims.hasSynced() || !services.hasSynced()) {
            return;
        }
        List<ObjectSample> rows = new ArrayList<>();
        for (ObjectSample s : seen.values()) {
            rows.add(new ObjectSample(s.objectUid(), s.kind(), windowStart, windowEnd, s.namespace(), s.name(),
                    s.quantity(), s.usedBytes(), s.storageClass()));
        }
        seen.clear();
        try {
            spool.commit(new Segment(1, Segment.OBJECTS, windowEnd, List.of(), rows, null));
            flusher.wake();
        } catch (IOException e) {
            LOG.errorf(e, "committing %d object rows to the spool failed", rows.size());
        }
    }

    static ObjectSample pvcSample(PersistentVolumeClaim pvc) {
        var meta = pvc.getMetadata();
        if (pvc.getSpec() == null || pvc.getSpec().getResources() == null
                || pvc.getSpec().getResources().getRequests() == null) {
            return null;
        }
        Quantity requested = pvc.getSpec().getResources().getRequests().get("storage");
        if (requested == null) {
            return null;
        }
        // The API reports no used bytes; a storage driver that exposes them does so through the kubelet's volume
        // stats, which this collector does not read (see docs/metering.md).
        return new ObjectSample(meta.getUid(), ObjectSample.PVC, 0, 0, meta.getNamespace(), meta.getName(),
                bytes(requested), null, pvc.getSpec().getStorageClassName());
    }

    static ObjectSample serviceSample(Service svc) {
        var meta = svc.getMetadata();
        if (svc.getSpec() == null) {
            return null;
        }
        String type = svc.getSpec().getType();
        if ("LoadBalancer".equals(type)) {
            // Its node ports belong to the load balancer: billed as one load balancer, not as node ports too.
            return new ObjectSample(meta.getUid(), ObjectSample.LOADBALANCER_SERVICE, 0, 0, meta.getNamespace(),
                    meta.getName(), 1, null, null);
        }
        if ("NodePort".equals(type)) {
            long ports = 0;
            for (ServicePort p : svc.getSpec().getPorts() == null
                    ? List.<ServicePort>of()
                    : svc.getSpec().getPorts()) {
                if (p.getNodePort() != null && p.getNodePort() > 0) {
                    ports++;
                }
            }
            return ports == 0
                    ? null
                    : new ObjectSample(meta.getUid(), ObjectSample.NODEPORT_SERVICE, 0, 0, meta.getNamespace(),
                            meta.getName(), ports, null, null);
        }
        return null;
    }

    static long bytes(Quantity q) {
        return q.getNumericalAmount().setScale(0, RoundingMode.CEILING).max(BigDecimal.ZERO).longValueExact();
    }
}
