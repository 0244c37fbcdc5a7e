package io.berth.workspace;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import io.berth.access.CredentialService;
import io.berth.access.IdentityBindings;
import io.berth.cluster.ClusterConfig;
import io.berth.cluster.ReconcileRequests;
import io.berth.cluster.ServerSideApply;
import io.quarkus.narayana.jta.QuarkusTransaction;

/** An account's identity is bound in every live workspace it is a member of: one RoleBinding each. */
@ApplicationScoped
public class MemberBindings implements IdentityBindings {

    private final ReconcileRequests reconcile;
    private final CredentialService credentials;
    private final ServerSideApply applier;
    private final ClusterConfig config;

    MemberBindings(ReconcileRequests reconcile, CredentialService credentials, ServerSideApply applier,
            ClusterConfig config) {
        this.reconcile = reconcile;
        this.credentials = credentials;
        this.applier = applier;
        this.config = config;
    }

    @Override
    public void requestRebind(UUID accountId) {
        for (WorkspaceMember m : WorkspaceMember.<WorkspaceMember>list("accountId", accountId)) {
            reconcile.workspace(m.workspaceId);
        }
    }

    /** All at once, so tokens of earlier epochs lose their access in every workspace together. */
    @Override
    public void rebind(UUID accountId) {
        record Binding(Workspace workspace, WorkspaceManifests.Member member) {
        }
        List<Binding> bindings = QuarkusTransaction.requiringNew().call(() -> {
            int epoch = credentials.epochs(List.of(accountId)).get(accountId);
            List<Binding> out = new ArrayList<>();
            for (WorkspaceMember m : WorkspaceMember.<WorkspaceMember>list("accountId", accountId)) {
                Workspace ws = Workspace.findById(m.workspaceId);
                if (ws.isLive()) {
                    out.add(new Binding(ws, new WorkspaceManifests.Member(accountId, m.role, epoch)));
                }
            }
            return out;
        });
        for (Binding b : bindings) {
            applier.apply(WorkspaceManifests.memberBinding(b.workspace(), b.member(), config.identityNamespace()));
        }
    }
}
