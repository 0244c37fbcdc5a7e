package io.berth.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

import io.berth.common.Problem;
import io.berth.common.ProblemException;

class DomainNamesTest {

    private static final String APPS = "apps.berth.localhost";
    private static final String PORTAL = "https://console.berth.example:8443/";

    private static String domain(String raw) {
        return DomainNames.domain(raw, APPS, PORTAL);
    }

    private static void refused(String raw, String field, String message) {
        assertThatThrownBy(() -> DomainNames.domain(raw, APPS, PORTAL)).isInstanceOfSatisfying(
                ProblemException.class, e -> {
                    assertThat(e.problem().status()).isEqualTo(400);
                    assertThat(e.problem().errors()).extracting(Problem.FieldError::field).containsExactly(field);
                    assertThat(e.problem().detail()).contains(message);
                });
    }

    @Test
    void aDomainIsStoredLowerCaseWithoutItsTrailingDot() {
        assertThat(domain(" Shop.Example.TEST. ")).isEqualTo("shop.example.test");
        assertThat(domain("a-b.c1.example.com")).isEqualTo("a-b.c1.example.com");
    }

    @Test
    void namesThatAreNoExactDnsNameAreRefusedNamingTheField() {
        refused(null, "domain", "is required");
        refused("  ", "domain", "is required");
        refused("*.example.com", "domain", "not a wildcard");
        refused("localhost", "domain", "at least two labels");
        refused("shop..example.com", "domain", "must be a DNS name");
        refused("-shop.example.com", "domain", "must be a DNS name");
        refused("shop_.example.com", "domain", "must be a DNS name");
        refused("shop.example.com/evil", "domain", "must be a DNS name");
        refused("shöp.example.com", "domain", "must be a DNS name");
        refused("a".repeat(64) + ".example.com", "domain", "must be a DNS name");
        refused(("a".repeat(60) + ".").repeat(5) + "com", "domain", "at most 253");
        refused("10.0.0.1", "domain", "not an IP address");
    }

    @Test
    void theAppsDomainAndThePortalAreNoCustomDomains() {
        refused(APPS, "domain", "names under apps.berth.localhost are workspaces' own hosts");
        refused("shop.ws-abc.apps.berth.localhost", "domain", "workspaces' own hosts");
        refused("console.berth.example", "domain", "is the portal's host");
        // A name that merely ends like the apps domain is someone's own.
        assertThat(domain("myapps.berth.localhost")).isEqualTo("myapps.berth.localhost");
    }

    @Test
    void aCertificateSecretIsANameOfTheNamespaceAndNotThePlatforms() {
        assertThat(DomainNames.tlsSecretName(null)).isNull();
        assertThat(DomainNames.tlsSecretName(" ")).isNull();
        assertThat(DomainNames.tlsSecretName("shop-tls")).isEqualTo("shop-tls");
        assertThatThrownBy(() -> DomainNames.tlsSecretName("Shop_TLS")).isInstanceOfSatisfying(
                ProblemException.class, e -> assertThat(e.problem().errors())
                        .extracting(Problem.FieldError::field).containsExactly("tlsSecretName"));
        assertThatThrownBy(() -> DomainNames.tlsSecretName("berth-apps-tls")).isInstanceOfSatisfying(
                ProblemException.class, e -> assertThat(e.problem().detail()).contains("are the platform's"));
    }

    @Test
    void theChallengeIsATxtRecordUnderTheDomain() {
        assertThat(DomainNames.challengeName("shop.example.test")).isEqualTo("_berth-challenge.shop.example.test");
        assertThat(DomainNames.challengeValue("tok")).isEqualTo("berth-verify=tok");
        assertThat(DnsChallenges.matches("berth-verify=tok", "berth-verify=tok")).isTrue();
        // Character strings as the JDK joins them, and quoted.
        assertThat(DnsChallenges.matches("berth-verify= tok", "berth-verify=tok")).isTrue();
        assertThat(DnsChallenges.matches("\"berth-verify=tok\"", "berth-verify=tok")).isTrue();
        assertThat(DnsChallenges.matches("berth-verify=to", "berth-verify=tok")).isFalse();
        assertThat(DnsChallenges.matches("berth-verify=tokx", "berth-verify=tok")).isFalse();
    }
}
