package io.berth.workspace;

import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Custom domains: where their DNS challenges are looked up, and how many one workspace may claim. */
@ConfigMapping(prefix = "berth.domains")
public interface DomainsConfig {

    /**
     * The DNS server asked for challenges, host:port (the dev stack's test DNS); unset, the system's resolvers. The
     * server must answer for the public DNS: what it says decides who may route a domain.
     */
    Optional<String> dnsServer();

    /**
     * Domains per workspace, pending or verified. Each verified one is up to two listeners of the workspace's Gateway,
     * which holds 64 at most (two are the workspace's own).
     */
    @WithDefault("20")
    int maxPerWorkspace();
}
