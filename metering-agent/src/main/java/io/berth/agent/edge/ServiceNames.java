package io.berth.agent.edge;

import java.util.Collection;
import java.util.Optional;
import java.util.Set;

/**
 * Which workspace a Traefik service's bytes belong to. Traefik names a Kubernetes backend
 * {@code <namespace>-<service>-<port>@kubernetes} (Ingress) or {@code <namespace>-<service>-http-<port>@kubernetesgateway}
 * (Gateway API), non-alphanumerics turned into '-'. Namespace and service names hold '-' themselves, so the name alone
 * does not say where the namespace ends: the answer is the longest <em>known workspace namespace</em> that the name
 * starts with, followed by '-' and something more. A provider not accepted (a file or internal service), or a name
 * that no workspace namespace begins, belongs to nobody: it is never billed to a guess.
 */
public final class ServiceNames {

    private ServiceNames() {
    }

    public static Optional<String> namespaceOf(String service, Set<String> providers, Collection<String> namespaces) {
        int at = service.lastIndexOf('@');
        if (at <= 0 || !providers.contains(service.substring(at + 1))) {
            return Optional.empty();
        }
        String name = service.substring(0, at);
        String best = null;
        for (String ns : namespaces) {
            if (name.length() > ns.length() + 1 && name.startsWith(ns) && name.charAt(ns.length()) == '-'
                    && (best == null || ns.length() > best.length())) {
                best = ns;
            }
        }
        return Optional.ofNullable(best);
    }
}
