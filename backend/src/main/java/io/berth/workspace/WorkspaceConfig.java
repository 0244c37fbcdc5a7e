package io.berth.workspace;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "berth.workspaces")
public interface WorkspaceConfig {

    /** How long an invitation link stays valid. */
    @WithDefault("7d")
    Duration invitationTtl();

    /** Public base URL of the portal, used in invitation links. */
    @WithDefault("http://localhost:8080")
    String publicUrl();
}
