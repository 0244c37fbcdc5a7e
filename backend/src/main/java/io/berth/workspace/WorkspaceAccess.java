package io.berth.workspace;

import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import io.berth.common.ProblemException;

/**
 * Who may do what to a workspace. A workspace the caller is not a member of does not exist for them (404, so
 * existence is not leaked); a member without the needed role gets 403.
 */
@ApplicationScoped
public class WorkspaceAccess {

    public record Granted(Workspace workspace, WorkspaceRole role) {
    }

    /** The workspace and the caller's role, if the caller has at least {@code needed}. */
    public Granted require(UUID workspaceId, UUID accountId, WorkspaceRole needed) {
        return check(Workspace.findById(workspaceId), workspaceId, accountId, needed);
    }

    /** As {@link #require}, holding a row lock on the workspace so concurrent changes to it run one at a time. */
    public Granted requireForUpdate(UUID workspaceId, UUID accountId, WorkspaceRole needed) {
        return check(Workspace.findById(workspaceId, LockModeType.PESSIMISTIC_WRITE), workspaceId, accountId, needed);
    }

    private static Granted check(Workspace ws, UUID workspaceId, UUID accountId, WorkspaceRole needed) {
        if (ws == null || !ws.isLive()) {
            throw notFound(workspaceId);
        }
        WorkspaceMember m = WorkspaceMember.findById(new WorkspaceMember.Key(workspaceId, accountId));
        if (m == null) {
            throw notFound(workspaceId);
        }
        if (!m.role.atLeast(needed)) {
            throw ProblemException.forbidden("This needs the " + needed + " role in the workspace; you are "
                    + m.role);
        }
        return new Granted(ws, m.role);
    }

    static ProblemException notFound(UUID workspaceId) {
        return ProblemException.notFound("No workspace " + workspaceId);
    }
}
