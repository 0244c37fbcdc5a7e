package io.berth.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Checks of settings that need nothing but the settings; the parts check their own at start. */
final class StartupChecks {

    private StartupChecks() {
    }

    static void settings(AgentConfig config) {
        if (config.nodeName().isBlank()) {
            throw new StartupException("berth.agent.node-name", "empty; set it to the node's name (the DaemonSet"
                    + " takes it from spec.nodeName through the downward API)");
        }
        Duration interval = config.interval();
        if (!Windows.dividesHour(interval)) {
            throw new StartupException("berth.agent.interval", interval + " does not divide an hour into whole"
                    + " seconds; windows must tile every hour (e.g. 10s, 30s, 1m, 5m)");
        }
        Duration read = config.readInterval();
        if (read.isNegative() || read.isZero() || read.compareTo(interval) > 0) {
            throw new StartupException("berth.agent.read-interval", read + " must be positive and at most"
                    + " berth.agent.interval (" + interval + ")");
        }
        if (config.maxBackfill().compareTo(interval) < 0) {
            throw new StartupException("berth.agent.max-backfill", config.maxBackfill()
                    + " is shorter than one window (berth.agent.interval=" + interval + ")");
        }
        if (config.spool().maxSize().asLongValue() < 64 * 1024) {
            throw new StartupException("berth.agent.spool.max-size", "at least 64K are needed");
        }
        if (config.sink().batchRows() < 1) {
            throw new StartupException("berth.agent.sink.batch-rows", "must be positive");
        }
        AgentConfig.Edge edge = config.edge();
        for (String[] label : new String[][]{{"berth.agent.edge.gateway-label", edge.gatewayLabel()},
                {"berth.agent.edge.workspace-label", edge.workspaceLabel()}}) {
            int eq = label[1].indexOf('=');
            if (eq <= 0 || eq == label[1].length() - 1) {
                throw new StartupException(label[0], "'" + label[1] + "' is not key=value");
            }
        }
        if (edge.metricsPort() < 1 || edge.metricsPort() > 65535) {
            throw new StartupException("berth.agent.edge.metrics-port", edge.metricsPort() + " is not a port");
        }
        if (!edge.metricsPath().startsWith("/")) {
            throw new StartupException("berth.agent.edge.metrics-path", "must start with /");
        }
    }

    static Path stateDir(AgentConfig config) {
        Path dir = Path.of(config.stateDir());
        try {
            Files.createDirectories(dir.resolve("spool"));
            Path probe = Files.createTempFile(dir, ".probe", ".tmp");
            Files.delete(probe);
        } catch (IOException e) {
            throw new StartupException("berth.agent.state-dir", dir + " is not a writable directory (" + e
                    + "); it must be a host directory that survives agent restarts (hostPath)");
        }
        return dir;
    }
}
