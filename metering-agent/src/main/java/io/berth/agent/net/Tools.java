package io.berth.agent.net;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import io.berth.agent.AgentConfig;
import io.berth.agent.StartupException;

/** The OS tools the traffic meter drives, resolved to absolute paths once at start. */
public record Tools(String tc, String ip, String bpftool, String nsenter, String unshare, String mount) {

    public static Tools resolve(AgentConfig.Net config) {
        return new Tools(require("berth.agent.net.tc", config.tc(), "iproute2"),
                require("berth.agent.net.ip", config.ip(), "iproute2"),
                require("berth.agent.net.bpftool", config.bpftool(), "bpftool"),
                require("berth.agent.net.nsenter", config.nsenter(), "util-linux"),
                require("berth.agent.net.unshare", config.unshare(), "util-linux"),
                find("mount").orElse("mount"));
    }

    private static String require(String setting, String tool, String debianPackage) {
        return find(tool).orElseThrow(() -> new StartupException(setting, "'" + tool
                + "' is not an executable file (Debian package " + debianPackage
                + "); install it or point the setting at it"));
    }

    static Optional<String> find(String tool) {
        if (tool.contains("/")) {
            return Files.isExecutable(Path.of(tool)) ? Optional.of(tool) : Optional.empty();
        }
        // sbin is often missing from a service's PATH, and tc and ip live there.
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/local/sbin:/usr/sbin:/sbin:/usr/bin:/bin";
        for (String dir : path.split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return Optional.of(Path.of(dir, tool).toString());
            }
        }
        return Optional.empty();
    }
}
