package io.berth.workspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;

class AppsCertificatesTest {

    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");
    private static final String HOST = "*.ws-abc.apps.example";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final AppsCertificates.Ca rsaCa = ca("RSA", "CN=berth-apps-ca");
    private final AppsCertificates.Ca ecCa = ca("EC", "CN=berth-apps-ca-ec");

    @Test
    void theCertificateIsForTheWorkspacesWildcardOnlyWithAFreshP256Key() throws Exception {
        AppsCertificates.Issued issued = AppsCertificates.issue(rsaCa, HOST, NOW, RANDOM);
        X509Certificate leaf = AppsCertificates.certificates(issued.certificatePem()).get(0);
        assertThat(AppsCertificates.dnsNames(leaf)).containsExactly(HOST);
        assertThat(leaf.getSubjectX500Principal().getName()).isEqualTo("CN=" + HOST);
        assertThat(leaf.getBasicConstraints()).as("not a CA").isEqualTo(-1);
        assertThat(leaf.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1");
        assertThat(leaf.getPublicKey()).isInstanceOf(ECPublicKey.class);
        assertThat(((ECPublicKey) leaf.getPublicKey()).getParams().getCurve().getField().getFieldSize())
                .isEqualTo(256);
        assertThat(issued.privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----\n")
                .endsWith("-----END PRIVATE KEY-----\n");
        AppsCertificates.Issued another = AppsCertificates.issue(rsaCa, HOST, NOW, RANDOM);
        assertThat(another.privateKeyPem()).as("a key of its own each time").isNotEqualTo(issued.privateKeyPem());
        assertThat(AppsCertificates.certificates(another.certificatePem()).get(0).getSerialNumber())
                .isNotEqualTo(leaf.getSerialNumber());
    }

    @Test
    void theChainVerifiesAgainstTheCaAndOnlyThatCa() throws Exception {
        for (AppsCertificates.Ca ca : List.of(rsaCa, ecCa)) {
            AppsCertificates.Issued issued = AppsCertificates.issue(ca, HOST, NOW, RANDOM);
            List<X509Certificate> chain = AppsCertificates.certificates(issued.certificatePem());
            assertThat(chain).as("the leaf, then the CA").hasSize(2);
            assertThat(chain.get(1)).isEqualTo(ca.certificate());
            // PKIX path validation as a TLS client does it, with the CA as the only trust anchor.
            PKIXParameters params = new PKIXParameters(Set.of(new TrustAnchor(ca.certificate(), null)));
            params.setRevocationEnabled(false);
            params.setDate(Date.from(NOW.plus(Duration.ofDays(1))));
            CertPathValidator.getInstance("PKIX").validate(
                    CertificateFactory.getInstance("X.509").generateCertPath(chain.subList(0, 1)), params);
        }
        AppsCertificates.Issued byRsa = AppsCertificates.issue(rsaCa, HOST, NOW, RANDOM);
        PKIXParameters other = new PKIXParameters(Set.of(new TrustAnchor(ecCa.certificate(), null)));
        other.setRevocationEnabled(false);
        other.setDate(Date.from(NOW.plus(Duration.ofDays(1))));
        assertThatThrownBy(() -> CertPathValidator.getInstance("PKIX").validate(CertificateFactory
                .getInstance("X.509")
                .generateCertPath(AppsCertificates.certificates(byRsa.certificatePem()).subList(0, 1)), other))
                .isInstanceOf(java.security.cert.CertPathValidatorException.class);
    }

    @Test
    void itIsValidForNinetyDaysFromAMomentBeforeItWasMade() {
        X509Certificate leaf = AppsCertificates
                .certificates(AppsCertificates.issue(ecCa, HOST, NOW, RANDOM).certificatePem()).get(0);
        assertThat(leaf.getNotBefore().toInstant()).isEqualTo(NOW.minus(Duration.ofMinutes(5)));
        assertThat(leaf.getNotAfter().toInstant()).isEqualTo(NOW.plus(Duration.ofDays(90)));
    }

    @Test
    void aCurrentCertificateIsKeptAndOneNearItsEndOrFromAnotherCaIsMadeAgain() throws Exception {
        AppsCertificates.Issued issued = AppsCertificates.issue(rsaCa, HOST, NOW, RANDOM);
        AppsCertificates certificates = issuer(NOW.plus(Duration.ofDays(59)));
        assertThat(certificates.certificateFor(rsaCa, "ws-abc", issued)).as("31 days left: kept").isSameAs(issued);

        AppsCertificates.Issued renewed = issuer(NOW.plus(Duration.ofDays(61))).certificateFor(rsaCa, "ws-abc",
                issued);
        assertThat(renewed.certificatePem()).as("29 days left: made again").isNotEqualTo(issued.certificatePem());
        assertThat(AppsCertificates.certificates(renewed.certificatePem()).get(0).getNotAfter().toInstant())
                .isEqualTo(NOW.plus(Duration.ofDays(61 + 90)));

        assertThat(certificates.certificateFor(ecCa, "ws-abc", issued).certificatePem())
                .as("the CA changed").isNotEqualTo(issued.certificatePem());
        assertThat(AppsCertificates.dnsNames(AppsCertificates.certificates(
                certificates.certificateFor(rsaCa, "ws-other", issued).certificatePem()).get(0)))
                .as("another workspace's name").containsExactly("*.ws-other.apps.example");
        AppsCertificates.Issued otherKey = new AppsCertificates.Issued(issued.certificatePem(),
                AppsCertificates.issue(rsaCa, HOST, NOW, RANDOM).privateKeyPem());
        assertThat(certificates.certificateFor(rsaCa, "ws-abc", otherKey)).as("the key is not the certificate's")
                .isNotSameAs(otherKey);
        AppsCertificates.Issued garbage = new AppsCertificates.Issued("not a certificate", "not a key");
        assertThat(AppsCertificates.certificates(certificates.certificateFor(rsaCa, "ws-abc", garbage)
                .certificatePem())).hasSize(2);
        assertThat(certificates.certificateFor(rsaCa, "ws-abc", null).certificatePem()).contains("BEGIN CERTIFICATE");
    }

    @Test
    void theCaIsReadFromPkcs8AndTraditionalPemAndItsKeyMustBeItsOwn() throws Exception {
        KeyPair rsa = pair("RSA");
        X509Certificate cert = selfSigned(rsa, "CN=loaded");
        String certPem = pem(cert);
        String traditional = pem(rsa.getPrivate());
        assertThat(traditional).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        String pkcs8 = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder().encodeToString(rsa.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
        assertThat(AppsCertificates.loadCa(certPem, traditional).certificate()).isEqualTo(cert);
        assertThat(AppsCertificates.loadCa(certPem, pkcs8).key()).isEqualTo(rsa.getPrivate());
        KeyPair ec = pair("EC");
        String traditionalEc = traditionalEc(ec.getPrivate());
        assertThat(traditionalEc).startsWith("-----BEGIN EC PRIVATE KEY-----");
        assertThat(((java.security.interfaces.ECPrivateKey) AppsCertificates
                .loadCa(pem(selfSigned(ec, "CN=ec")), traditionalEc).key()).getS())
                .isEqualTo(((java.security.interfaces.ECPrivateKey) ec.getPrivate()).getS());
        assertThatThrownBy(() -> AppsCertificates.loadCa(certPem, pem(pair("RSA").getPrivate())))
                .hasMessage("the apps CA key is not the key of the apps CA certificate");
        assertThatThrownBy(() -> AppsCertificates.loadCa(certPem, certPem))
                .hasMessage("the apps CA key file holds no private key");
    }

    @Test
    void noStringOfAnIssuedCertificateShowsItsKey() {
        AppsCertificates.Issued issued = AppsCertificates.issue(ecCa, HOST, NOW, RANDOM);
        String body = issued.privateKeyPem().lines().skip(1).findFirst().orElseThrow();
        assertThat(issued.toString()).doesNotContain(body).doesNotContain("PRIVATE KEY-----");
        assertThat(rsaCa.toString()).isEqualTo("Ca[CN=berth-apps-ca]");
    }

    @Test
    void halfAConfiguredCaIsAMistake() {
        AppsCertificates onlyCert = new AppsCertificates(config(Optional.of(Path.of("/nonexistent/ca.crt")),
                Optional.empty()), Clock.fixed(NOW, ZoneOffset.UTC));
        assertThatThrownBy(onlyCert::ca).hasMessageContaining("go together; only the certificate is set");
        assertThat(new AppsCertificates(config(Optional.empty(), Optional.empty()), Clock.fixed(NOW, ZoneOffset.UTC))
                .ca()).isEmpty();
    }

    // --- helpers

    private static AppsCertificates issuer(Instant now) {
        return new AppsCertificates(config(Optional.empty(), Optional.empty()), Clock.fixed(now, ZoneOffset.UTC));
    }

    private static AppsConfig config(Optional<Path> cert, Optional<Path> key) {
        return new AppsConfig() {
            @Override
            public String domain() {
                return "apps.example";
            }

            @Override
            public Optional<Path> caCertFile() {
                return cert;
            }

            @Override
            public Optional<Path> caKeyFile() {
                return key;
            }
        };
    }

    private static AppsCertificates.Ca ca(String algorithm, String subject) {
        KeyPair pair = pair(algorithm);
        return new AppsCertificates.Ca(List.of(selfSigned(pair, subject)), pair.getPrivate());
    }

    private static KeyPair pair(String algorithm) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
            if (algorithm.equals("EC")) {
                g.initialize(new ECGenParameterSpec("secp256r1"));
            } else {
                g.initialize(2048);
            }
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate selfSigned(KeyPair pair, String subject) {
        try {
            X500Name name = new X500Name(subject);
            var builder = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(RANDOM.nextLong() & Long.MAX_VALUE),
                    Date.from(NOW.minus(Duration.ofDays(1))), Date.from(NOW.plus(Duration.ofDays(3650))), name,
                    pair.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            String alg = pair.getPrivate().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder(alg).build(pair.getPrivate())));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The form {@code openssl ecparam -genkey} writes: the curve inside the key (RFC 5915). */
    private static String traditionalEc(java.security.PrivateKey key) throws Exception {
        var info = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(key.getEncoded());
        var inner = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
        var withCurve = new org.bouncycastle.asn1.sec.ECPrivateKey(256, inner.getKey(),
                info.getPrivateKeyAlgorithm().getParameters());
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(new org.bouncycastle.util.io.pem.PemObject("EC PRIVATE KEY", withCurve.getEncoded()));
        }
        return out.toString();
    }

    private static String pem(Object o) throws Exception {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o);
        }
        return out.toString();
    }
}
