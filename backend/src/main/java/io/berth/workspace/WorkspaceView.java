package io.berth.workspace;

import java.time.OffsetDateTime;
import java.util.UUID;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A workspace as its member sees it. */
public record WorkspaceView(UUID id, String displayName, String namespace, String plan, boolean personal,
        Workspace.Status status, String statusReason, boolean suspended, WorkspaceRole role,
        OffsetDateTime createdAt,
        @Schema(description = "The names the workspace's Ingresses and HTTPRoutes may serve end in "
                + ".<appsHostSuffix> (shop.<appsHostSuffix>, for one), through its Gateway berth-apps", example = "ws-abc123.apps.berth.localhost") String appsHostSuffix) {

    static WorkspaceView of(Workspace ws, WorkspaceRole role, AppsConfig apps) {
        return new WorkspaceView(ws.id, ws.displayName, ws.namespace, ws.planId, ws.personal, ws.status,
                ws.statusReason, ws.isSuspended(), role, ws.createdAt, apps.hostSuffix(ws.namespace));
    }
}
