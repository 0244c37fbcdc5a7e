package io.berth.cluster;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;

import org.jboss.logging.Logger;

import io.berth.plan.Plan;
import io.berth.workspace.Workspace;
import io.berth.workspace.WorkspaceMember;
import io.berth.workspace.WorkspaceRole;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ResourceQuota;
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
    static final String FIELD_MANAGER = "berth";
    private static final Duration QUOTA_WAIT = Duration.ofSeconds(10);

    private final KubernetesClient client;
    private final ClusterConfig config;

    private final EntityManager em;
    private final ExecutorService appliers = Executors.newFixedThreadPool(8, task -> {
        Thread t = new Thread(task, "berth-apply");
        t.setDaemon(true);
        return t;
    });

    private final Suspension suspension;

    WorkspaceReconciler(KubernetesClient client, ClusterConfig config, EntityManager em, Suspension suspension) {
        this.client = client;
        this.config = config;
        this.em = em;
        this.suspension = suspension;
    }

    @Override
    public String prefix() {
        return "w";
    }

    @Override
    public List<UUID> pending() {
        return QuarkusTransaction.requiringNew().call(() -> em.createQuery("select w.id from Workspace w where "
                + "w.status <> ?1 and (w.status <> ?2 or w.observedGeneration < w.generation)", UUID.class)
                .setParameter(1, Workspace.Status.deleted).setParameter(2, Workspace.Status.ready).getResultList());
    }

    @Override
    public List<UUID> all() {
        return QuarkusTransaction.requiringNew().call(() -> em.createQuery(
                "select w.id from Workspace w where w.status <> ?1", UUID.class)
                .setParameter(1, Workspace.Status.deleted).getResultList());
    }

    record Snapshot(Workspace workspace, Plan plan, List<WorkspaceManifests.Member> members) {
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
            String reason = "could not apply the workspace to the cluster (" + e.getClass().getSimpleName() + ": "
                    + e.getMessage() + "); retrying";
            QuarkusTransaction.requiringNew().run(() -> markError(workspaceId, reason));
            throw e;
        }
        long generation = s.workspace().generation;
        long quotaReady = System.nanoTime();
        boolean suspended = s.workspace().suspended;
        QuarkusTransaction.requiringNew().run(() -> markReady(workspaceId, generation, suspended));
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
        Plan plan = Plan.findById(ws.planId);
        return new Snapshot(ws, plan, members(id));
    }

    @SuppressWarnings("unchecked")
    private List<WorkspaceManifests.Member> members(UUID workspaceId) {
        List<Object[]> rows = em.createNativeQuery("""
                SELECT m.account_id, m.role, coalesce(c.epoch, 1)
                FROM workspace_member m LEFT JOIN account_credential c ON c.account_id = m.account_id
                WHERE m.workspace_id = ?1
                """).setParameter(1, workspaceId).getResultList();
        return rows.stream().map(r -> new WorkspaceManifests.Member((UUID) r[0], WorkspaceRole.valueOf((String) r[1]),
                ((Number) r[2]).intValue())).toList();
    }

    /**
     * Points every membership binding of an account at its current credential epoch, at once, so tokens of earlier
     * epochs lose all access (used by rotation and revocation).
     */
    public void rebind(UUID accountId) {
        record Binding(Workspace workspace, WorkspaceManifests.Member member) {
        }
        List<Binding> bindings = QuarkusTransaction.requiringNew().call(() -> {
            List<Binding> out = new java.util.ArrayList<>();
            for (WorkspaceMember m : WorkspaceMember.<WorkspaceMember>list("accountId", accountId)) {
                Workspace ws = Workspace.findById(m.workspaceId);
                if (ws.isLive()) {
                    members(ws.id).stream().filter(x -> x.accountId().equals(accountId))
                            .forEach(x -> out.add(new Binding(ws, x)));
                }
            }
            return out;
        });
        for (Binding b : bindings) {
            apply(WorkspaceManifests.memberBinding(b.workspace(), b.member(), config.identityNamespace()));
        }
    }

    /**
     * The namespace first; then everything inside it at once (the objects are independent), which takes one
     * round-trip of the API server instead of one per object.
     */
    private void apply(Snapshot s) {
        Workspace ws = s.workspace();
        apply(WorkspaceManifests.namespace(ws, s.plan(), config.podSecurityVersion()));
        List<HasMetadata> objects = new java.util.ArrayList<>(WorkspaceManifests.contents(ws, s.plan()));
        for (WorkspaceManifests.Member member : s.members()) {
            objects.add(WorkspaceManifests.memberBinding(ws, member, config.identityNamespace()));
        }
        List<CompletableFuture<Void>> applies = objects.stream()
                .map(o -> CompletableFuture.runAsync(() -> apply(o), appliers)).toList();
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

    private void apply(HasMetadata object) {
        client.resource(object).fieldManager(FIELD_MANAGER).forceConflicts().serverSideApply();
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
        QuarkusTransaction.requiringNew().run(() -> markDeleted(ws.id));
        LOG.infof("workspace %s (%s) deleted", ws.id, ws.namespace);
        return Outcome.DONE;
    }

    /** Suspended workspaces keep their workloads at zero (and lose them once purged); resumed ones get them back. */
    private void applySuspension(Workspace ws) {
        if (ws.suspended) {
            suspension.suspend(ws.namespace);
            if (ws.purgeRequested) {
                suspension.purge(ws.namespace);
            }
        } else if (ws.workloadsSuspended) {
            suspension.resume(ws.namespace);
        }
    }

    private static void markReady(UUID id, long generation, boolean workloadsSuspended) {
        Workspace.update("status = ?1, statusReason = null, observedGeneration = ?2, updatedAt = ?3, "
                + "workloadsSuspended = ?4 where id = ?5 and status not in (?6, ?7)", Workspace.Status.ready,
                generation, now(), workloadsSuspended, id, Workspace.Status.deleting, Workspace.Status.deleted);
    }

    private static void markError(UUID id, String reason) {
        Workspace.update("status = ?1, statusReason = ?2, updatedAt = ?3 where id = ?4 and status not in (?5, ?6)",
                Workspace.Status.error, reason.length() > 500 ? reason.substring(0, 500) : reason, now(), id,
                Workspace.Status.deleting, Workspace.Status.deleted);
    }

    private static void markDeleted(UUID id) {
        Workspace.update("status = ?1, deletedAt = ?2, updatedAt = ?2 where id = ?3", Workspace.Status.deleted,
                now(), id);
    }

    private static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC);
    }
}
