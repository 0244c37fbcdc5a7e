package io.berth.workspace;

import java.time.OffsetDateTime;
import java.util.UUID;

public record MemberView(UUID accountId, String username, String email, WorkspaceRole role, OffsetDateTime since) {
}
