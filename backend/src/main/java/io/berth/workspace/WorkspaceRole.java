package io.berth.workspace;

/** A member's role in a workspace, from most to least powerful; each maps to a ClusterRole of the same name. */
public enum WorkspaceRole {
    owner, admin, developer, viewer;

    public boolean atLeast(WorkspaceRole other) {
        return ordinal() <= other.ordinal();
    }

    public String clusterRole() {
        return "berth:workspace-" + name();
    }
}
