package io.berth.workspace;

import java.time.OffsetDateTime;
import java.util.UUID;

/** An invitation without its secret; {@code token} and {@code acceptUrl} are set only in the answer that creates it. */
public record InvitationView(UUID id, UUID workspaceId, String workspaceName, String invitee, WorkspaceRole role,
        Invitation.Status status, OffsetDateTime expiresAt, OffsetDateTime createdAt, String token, String acceptUrl) {

    static InvitationView of(Invitation i, String workspaceName) {
        return new InvitationView(i.id, i.workspaceId, workspaceName, i.invitee, i.role, i.status, i.expiresAt,
                i.createdAt, null, null);
    }

    InvitationView withSecret(String token, String acceptUrl) {
        return new InvitationView(id, workspaceId, workspaceName, invitee, role, status, expiresAt, createdAt, token,
                acceptUrl);
    }
}
