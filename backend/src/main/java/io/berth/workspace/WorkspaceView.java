package io.berth.workspace;

import java.time.OffsetDateTime;
import java.util.UUID;

/** A workspace as its member sees it. */
public record WorkspaceView(UUID id, String displayName, String namespace, String plan, boolean personal,
        Workspace.Status status, String statusReason, boolean suspended, WorkspaceRole role,
        OffsetDateTime createdAt) {

    static WorkspaceView of(Workspace ws, WorkspaceRole role) {
        return new WorkspaceView(ws.id, ws.displayName, ws.namespace, ws.planId, ws.personal, ws.status,
                ws.statusReason, ws.isSuspended(), role, ws.createdAt);
    }
}
