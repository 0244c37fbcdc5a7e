package io.berth.agent.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** Traefik service names to workspace namespaces: only known namespaces, longest first, never a guess. */
class ServiceNamesTest {

    static final Set<String> PROVIDERS = Set.of("kubernetes", "kubernetesgateway");
    static final List<String> KNOWN = List.of("ws-k3j9x2ab1q", "ws-aaaaaaaaaa", "team", "team-blue");

    @Test
    void ingressAndGatewayNamesMapToTheirNamespace() {
        assertThat(ServiceNames.namespaceOf("ws-k3j9x2ab1q-web-80@kubernetes", PROVIDERS, KNOWN))
                .contains("ws-k3j9x2ab1q");
        assertThat(ServiceNames.namespaceOf("ws-k3j9x2ab1q-my-api-http-8080@kubernetesgateway", PROVIDERS, KNOWN))
                .contains("ws-k3j9x2ab1q");
        assertThat(ServiceNames.namespaceOf("ws-aaaaaaaaaa-web-http@kubernetes", PROVIDERS, KNOWN))
                .contains("ws-aaaaaaaaaa");
    }

    @Test
    void theLongestKnownNamespaceWins() {
        assertThat(ServiceNames.namespaceOf("team-blue-web-80@kubernetes", PROVIDERS, KNOWN)).contains("team-blue");
        assertThat(ServiceNames.namespaceOf("team-red-web-80@kubernetes", PROVIDERS, KNOWN)).contains("team");
    }

    @Test
    void unknownNamespacesOtherProvidersAndBareNamesBelongToNobody() {
        assertThat(ServiceNames.namespaceOf("berth-system-berth-gateway-80@kubernetes", PROVIDERS, KNOWN)).isEmpty();
        assertThat(ServiceNames.namespaceOf("ws-k3j9x2ab1q-web-80@file", PROVIDERS, KNOWN)).isEmpty();
        assertThat(ServiceNames.namespaceOf("api@internal", PROVIDERS, KNOWN)).isEmpty();
        assertThat(ServiceNames.namespaceOf("ws-k3j9x2ab1q-web-80", PROVIDERS, KNOWN)).isEmpty();
        // the namespace alone, or a longer name that merely starts with it, is no service of that namespace
        assertThat(ServiceNames.namespaceOf("ws-k3j9x2ab1q@kubernetes", PROVIDERS, KNOWN)).isEmpty();
        assertThat(ServiceNames.namespaceOf("ws-k3j9x2ab1q-@kubernetes", PROVIDERS, KNOWN)).isEmpty();
        assertThat(ServiceNames.namespaceOf("ws-k3j9x2ab1qz-web-80@kubernetes", PROVIDERS, KNOWN)).isEmpty();
        assertThat(ServiceNames.namespaceOf("@kubernetes", PROVIDERS, KNOWN)).isEmpty();
    }
}
