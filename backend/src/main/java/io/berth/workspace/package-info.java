/**
 * Workspaces, their members, invitations and custom domains, and what they are on the cluster: the manifests, the reconciler that
 * applies them, the workloads' suspension, the kubeconfig that reaches them. {@link
 * io.berth.workspace.WorkspaceStates} is the one writer of a workspace's state.
 */
@OwnsTables({"workspace", "workspace_member", "invitation", "workspace_domain"})
package io.berth.workspace;

import io.berth.common.OwnsTables;
