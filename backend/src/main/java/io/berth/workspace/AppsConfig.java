package io.berth.workspace;

import java.nio.file.Path;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Where tenants' apps are served: the apps domain (each workspace owns the names under
 * {@code .<namespace>.<domain>}) and the apps CA that signs each workspace's wildcard certificate. The CA is not the
 * cluster's: it signs nothing but these serving certificates. Without it, workspaces get no apps Gateway.
 */
@ConfigMapping(prefix = "berth.apps")
public interface AppsConfig {

    /** The domain whose wildcard DNS points at the gateway; the same as data.appsDomain of berth-system/berth-apps. */
    @WithDefault("apps.berth.localhost")
    String domain();

    /** The apps CA's certificate (PEM). */
    Optional<Path> caCertFile();

    /** The apps CA's private key (PEM, PKCS#8 or the traditional EC/RSA forms). */
    Optional<Path> caKeyFile();

    /** The names one workspace owns end with this: {@code <namespace>.<domain>}. */
    default String hostSuffix(String namespace) {
        return hostSuffix(namespace, domain());
    }

    static String hostSuffix(String namespace, String domain) {
        return namespace + "." + domain;
    }
}
