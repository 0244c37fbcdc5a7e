package io.berth.workspace;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;

import org.jboss.logging.Logger;

import io.berth.access.CredentialService;
import io.berth.cluster.ClusterConfig;
import io.berth.cluster.ReconcileKey;
import io.berth.cluster.Reconciler;
import io.berth.cluster.ServerSideApply;
import io.berth.plan.PlanService;
import io.berth.plan.PlanView;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.narayana.jta.QuarkusTransaction;

/**
 * Makes one workspace's namespace match the database: idempotent (server-side apply of every object, removal of
 * member bindings no longer wanted), so running it again is always safe.
 */
@ApplicationScoped
public class WorkspaceReconciler implements Reconciler {

    private static final Logger LOG = Logger.getLogger(WorkspaceReconciler.class);
    private static final Duration QUOTA_WAIT = Duration.ofSeconds(10);

    private final KubernetesClient client;
    private final ServerSideApply applier;
    private final ClusterConfig config;
    private final EntityManager em;
    private final WorkspaceStates states;
    private final Workloads workloads;
    private final PlanService plans;
    private final CredentialService credentials;
    private final AppsCertificates certificates;
    private final AppsConfig apps;
    private final ExecutorService appliers = Executors.newFixedThreadPool(8, task -> {
        Thread t = new Thread(task, "berth-apply");
        t.setDaemon(true);
        return t;
    });

    WorkspaceReconciler(KubernetesClient client, ServerSideApply applier, ClusterConfig config, EntityManager em,
            WorkspaceStates states, Workloads workloads, PlanService plans, CredentialService credentials,
            AppsCertificates certificates, AppsConfig apps) {
        this.certificates = certificates;
        this.apps = apps;
        this.client = client;
        this.applier = applier;
        this.config = config;
        this.em = em;
        this.states = states;
        this.workloads = workloads;
        this.plans = plans;
        this.credentials = credentials;
    }

    @Override
    public ReconcileKey.Kind kind() {
        return ReconcileKey.Kind.workspace;
    }

    @Override
    @Transactional
    public List<UUID> pending() {
        return em.createQuery("select w.id from Workspace w where "
                + "w.status <> ?1 and (w.status <> ?2 or w.observedGeneration < w.generation)", UUID.class)
                .setParameter(1, Workspace.Status.deleted).setParameter(2, Workspace.Status.ready).getResultList();
    }

    @Override
    @Transactional
    public List<UUID> all() {
        return em.createQuery(
                "select w.id from Workspace w where w.status <> ?1", UUID.class)
                .setParameter(1, Workspace.Status.deleted).getResultList();
    }

    record Snapshot(Workspace workspace, PlanView plan, List<WorkspaceManifests.Member> members) {
    }

    @Override
    public Outcome reconcile(UUID workspaceId) {
        Snapshot s = QuarkusTransaction.requiringNew().call(() -> load(workspaceId));
        if (s == null || s.workspace().status == Workspace.Status.deleted) {
            return Outcome.DONE;
        }
        if (s.workspace().status == Workspace.Status.deleting) {
            return delete(s.workspace());
        }
        long t0 = System.nanoTime();
        long applied;
        try {
            apply(s);
            applied = System.nanoTime();
            awaitQuotaStatus(s.workspace().namespace);
            applySuspension(s.workspace());
        } catch (RuntimeException e) {
            states.failed(workspaceId, "could not apply the workspace to the cluster (" + e.getClass().getSimpleName()
                    + ": " + e.getMessage() + "); retrying");
            throw e;
        }
        long quotaReady = System.nanoTime();
        states.applied(workspaceId, s.workspace().generation, s.workspace().isSuspended());
        if (LOG.isDebugEnabled()) {
            LOG.debugf("workspace %s ready: apply %d ms, quota status %d ms, mark ready %d ms", s.workspace().namespace,
                    (applied - t0) / 1_000_000, (quotaReady - applied) / 1_000_000,
                    (System.nanoTime() - quotaReady) / 1_000_000);
        }
        return Outcome.DONE;
    }

    private Snapshot load(UUID id) {
        Workspace ws = Workspace.findById(id);
        if (ws == null) {
            return null;
        }
        return new Snapshot(ws, plans.get(ws.planId), members(ws));
    }

    /** Every member with the credential epoch whose ServiceAccount holds their access. */
    List<WorkspaceManifests.Member> members(Workspace ws) {
        List<WorkspaceMember> members = WorkspaceMember.list("workspaceId", ws.id);
        Map<UUID, Integer> epochs = credentials.epochs(members.stream().map(m -> m.accountId).toList());
        return members.stream().map(m -> new WorkspaceManifests.Member(m.accountId, m.role, epochs.get(m.accountId)))
                .toList();
    }

    /**
     * The namespace first; then everything inside it at once (the objects are independent), which takes one
     * round-trip of the API server instead of one per object.
     */
    private void apply(Snapshot s) {
        Workspace ws = s.workspace();
        applier.apply(WorkspaceManifests.namespace(ws, s.plan(), config.podSecurityVersion()));
        List<HasMetadata> objects = new ArrayList<>(WorkspaceManifests.contents(ws, s.plan(), s.members().size()));
        for (WorkspaceManifests.Member member : s.members()) {
            objects.add(WorkspaceManifests.memberBinding(ws, member, config.identityNamespace()));
        }
        objects.addAll(appsGateway(ws));
        List<CompletableFuture<Void>> applies = objects.stream()
                .map(o -> CompletableFuture.runAsync(() -> applier.apply(o), appliers)).toList();
        Set<String> wanted = s.members().stream()
                .map(WorkspaceManifests::memberBindingName).collect(Collectors.toSet());
        // At generation 1 the owner was the only member ever (every membership change bumps the generation), so
        // there is no stale binding to look for.
        if (ws.generation > 1 || ws.observedGeneration > 0) {
            for (RoleBinding existing : memberBindings(ws.namespace)) {
                if (!wanted.contains(existing.getMetadata().getName())) {
                    client.resource(existing).delete();
                }
            }
        }
        try {
            CompletableFuture.allOf(applies.toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    /**
     * The apps Gateway and its certificate, once an apps CA is configured. The certificate in the Secret stays while
     * it does (same CA, same host, over {@value AppsCertificates#RENEW_DAYS} days left), so a reconcile rewrites it
     * with itself.
     */
    private List<HasMetadata> appsGateway(Workspace ws) {
        var ca = certificates.ca();
        if (ca.isEmpty()) {
            return List.of();
        }
        Secret existing = client.secrets().inNamespace(ws.namespace).withName(WorkspaceManifests.APPS_TLS).get();
        AppsCertificates.Issued issued = certificates.certificateFor(ca.get(), ws.namespace,
                WorkspaceManifests.issued(existing));
        return List.of(WorkspaceManifests.appsCertificate(ws, issued),
                WorkspaceManifests.appsGateway(ws, apps.domain()));
    }

    private List<RoleBinding> memberBindings(String namespace) {
        return client.rbac().roleBindings().inNamespace(namespace).withLabel(WorkspaceManifests.MEMBER).list()
                .getItems();
    }

    /**
     * The quota admission plugin refuses creates until the quota controller has filled the quota's status, so a
     * workspace is ready only once it has.
     */
    private void awaitQuotaStatus(String namespace) {
        long deadline = System.nanoTime() + QUOTA_WAIT.toNanos();
        while (true) {
            ResourceQuota quota = client.resourceQuotas().inNamespace(namespace).withName(WorkspaceManifests.QUOTA)
                    .get();
            if (quota != null && quota.getStatus() != null && quota.getStatus().getHard() != null
                    && quota.getStatus().getHard().keySet().containsAll(quota.getSpec().getHard().keySet())) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the quota controller has not computed the quota of " + namespace);
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Members lose access first (their bindings go at once), then the namespace and all it holds. */
    private Outcome delete(Workspace ws) {
        if (client.namespaces().withName(ws.namespace).get() != null) {
            for (RoleBinding binding : memberBindings(ws.namespace)) {
                client.resource(binding).delete();
            }
            client.namespaces().withName(ws.namespace).delete();
            if (client.namespaces().withName(ws.namespace).get() != null) {
                return Outcome.checkAgainAfter(Duration.ofSeconds(2));
            }
        }
        states.deleted(ws.id);
        LOG.infof("workspace %s (%s) deleted", ws.id, ws.namespace);
        return Outcome.DONE;
    }

    /** Suspended workspaces keep their workloads at zero (and lose them once purged); resumed ones get them back. */
    private void applySuspension(Workspace ws) {
        if (ws.isSuspended()) {
            workloads.suspend(ws.namespace);
            if (ws.purgeRequested) {
                workloads.purge(ws.namespace);
            }
        } else if (ws.workloadsSuspended) {
            workloads.resume(ws.namespace);
        }
    }
}
