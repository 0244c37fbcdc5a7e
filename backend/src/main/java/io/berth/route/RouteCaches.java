package io.berth.route;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.berth.workspace.WorkspaceManifests;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;

/**
 * Watched copies of everything routing depends on: workspace namespaces, Services, Ingresses, HTTPRoutes, GRPCRoutes
 * and the gateway policies. One list at start, then watches; every change names its namespace to the listeners, so a
 * route change costs one namespace's recompute from memory, never a relist. Started in the background: the backend
 * serves while the API server (or the Gateway API's CRDs) is still coming up, and retries until they are.
 */
@ApplicationScoped
public class RouteCaches {

    private static final Logger LOG = Logger.getLogger(RouteCaches.class);
    private static final Duration RETRY = Duration.ofSeconds(3);

    private final KubernetesClient client;
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final List<SharedIndexInformer<?>> running = new CopyOnWriteArrayList<>();
    private volatile SharedIndexInformer<Namespace> namespaces;
    private volatile SharedIndexInformer<Service> services;
    private volatile SharedIndexInformer<Ingress> ingresses;
    private volatile SharedIndexInformer<HTTPRoute> httpRoutes;
    private volatile SharedIndexInformer<GRPCRoute> grpcRoutes;
    private volatile SharedIndexInformer<NetworkPolicy> policies;
    private volatile boolean synced;
    private volatile boolean stopping;
    private Thread starter;

    RouteCaches(KubernetesClient client) {
        this.client = client;
    }

    /** Called with a namespace whenever something in it that routing depends on changed (or once all are synced). */
    void onChange(Consumer<String> listener) {
        listeners.add(listener);
        if (synced) {
            // Registered after the first sync: it missed the look at every workspace.
            namespaces.getStore().list().forEach(n -> listener.accept(n.getMetadata().getName()));
        }
    }

    void start(@Observes StartupEvent event) {
        starter = new Thread(this::startAll, "berth-route-caches");
        starter.setDaemon(true);
        starter.start();
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
        if (starter != null) {
            starter.interrupt();
        }
        running.forEach(SharedIndexInformer::stop);
    }

    private void startAll() {
        while (!stopping) {
            try {
                if (namespaces == null) {
                    namespaces = started(client.namespaces().withLabel(WorkspaceManifests.WORKSPACE, "true")
                            .runnableInformer(0), n -> n.getMetadata().getName());
                }
                if (services == null) {
                    services = started(client.services().inAnyNamespace().runnableInformer(0), null);
                }
                if (ingresses == null) {
                    ingresses = started(client.network().v1().ingresses().inAnyNamespace().runnableInformer(0),
                            null);
                }
                if (policies == null) {
                    policies = started(client.network().v1().networkPolicies().inAnyNamespace()
                            .withLabel(GatewayPolicies.GATEWAY_POLICY, "true").runnableInformer(0), null);
                }
                if (httpRoutes == null) {
                    httpRoutes = started(client.resources(HTTPRoute.class).inAnyNamespace().runnableInformer(0),
                            null);
                }
                if (grpcRoutes == null) {
                    grpcRoutes = started(client.resources(GRPCRoute.class).inAnyNamespace().runnableInformer(0),
                            null);
                }
                synced = true;
                LOG.info("route caches synced");
                // Everything may have changed while nothing was watched: every workspace is looked at once.
                for (Namespace n : namespaces.getStore().list()) {
                    changed(n.getMetadata().getName());
                }
                return;
            } catch (RuntimeException e) {
                LOG.warnf("watching routes failed (%s: %s); retrying in %s", e.getClass().getSimpleName(),
                        e.getMessage(), RETRY);
            }
            try {
                Thread.sleep(RETRY.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Starts the informer and waits for its first list; on failure stops it, so the caller retries it whole. */
    private <T extends HasMetadata> SharedIndexInformer<T> started(SharedIndexInformer<T> informer,
            Function<T, String> namespaceOf) {
        Function<T, String> ns = namespaceOf != null
                ? namespaceOf
                : o -> o.getMetadata().getNamespace();
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                changed(ns.apply(obj));
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                changed(ns.apply(newObj));
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                changed(ns.apply(obj));
            }
        });
        try {
            informer.start().toCompletableFuture().get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            informer.stop();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (Exception e) {
            informer.stop();
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw cause instanceof RuntimeException r ? r : new IllegalStateException(cause.getMessage(), cause);
        }
        running.add(informer);
        return informer;
    }

    private void changed(String namespace) {
        if (synced && namespace != null) {
            for (Consumer<String> l : listeners) {
                l.accept(namespace);
            }
        }
    }

    /** Whether every cache holds a complete copy; until then nothing may be concluded from their contents. */
    public boolean synced() {
        return synced;
    }

    /** The workspace namespace, or null when there is none of that name (or it is not a workspace). */
    Namespace namespace(String name) {
        return namespaces.getIndexer().getByKey(name);
    }

    List<Namespace> namespaces() {
        return namespaces.getStore().list();
    }

    List<Service> services(String namespace) {
        return in(services, namespace);
    }

    List<Ingress> ingresses(String namespace) {
        return in(ingresses, namespace);
    }

    List<HTTPRoute> httpRoutes(String namespace) {
        return in(httpRoutes, namespace);
    }

    List<GRPCRoute> grpcRoutes(String namespace) {
        return in(grpcRoutes, namespace);
    }

    List<NetworkPolicy> gatewayPolicies(String namespace) {
        return in(policies, namespace);
    }

    List<HTTPRoute> allHttpRoutes() {
        return httpRoutes.getStore().list();
    }

    List<GRPCRoute> allGrpcRoutes() {
        return grpcRoutes.getStore().list();
    }

    List<Ingress> allIngresses() {
        return ingresses.getStore().list();
    }

    private static <T> List<T> in(SharedIndexInformer<T> informer, String namespace) {
        return new ArrayList<>(informer.getIndexer().byIndex(Cache.NAMESPACE_INDEX, namespace));
    }
}
