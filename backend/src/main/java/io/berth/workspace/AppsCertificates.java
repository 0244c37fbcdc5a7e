package io.berth.workspace;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.bouncycastle.asn1.ASN1Null;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The apps CA and the certificates it signs: one wildcard serving certificate per workspace,
 * {@code *.<namespace>.<apps domain>}, with an ECDSA P-256 key of its own, valid for {@value #VALIDITY_DAYS} days and
 * made again once fewer than {@value #RENEW_DAYS} remain or the CA is another. Private keys never leave the value
 * they are in: no log line or message carries one.
 */
@ApplicationScoped
public class AppsCertificates {

    static final int VALIDITY_DAYS = 90;
    static final int RENEW_DAYS = 30;
    /** Clocks of clients and nodes run a little apart; a certificate is valid from a moment before it was made. */
    static final Duration BACKDATE = Duration.ofMinutes(5);

    /** The CA: its certificate first, then whatever chain its file carries above it. */
    public record Ca(List<X509Certificate> chain, PrivateKey key) {
        X509Certificate certificate() {
            return chain.get(0);
        }

        @Override
        public String toString() {
            return "Ca[" + certificate().getSubjectX500Principal() + "]";
        }
    }

    /** A serving certificate (PEM, the leaf then the CA's chain) and its private key (PEM, PKCS#8). */
    public record Issued(String certificatePem, String privateKeyPem) {
        @Override
        public String toString() {
            return "Issued[certificate, private key withheld]";
        }
    }

    private final AppsConfig config;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private volatile Loaded loaded;

    private record Loaded(long certModified, long keyModified, Ca ca) {
    }

    AppsCertificates(AppsConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /**
     * The configured CA, read again when its files change (a replaced CA has every workspace's certificate made
     * again on its next reconcile); empty when none is configured. One file without the other is a mistake, not an
     * absence.
     */
    public Optional<Ca> ca() {
        Optional<Path> cert = config.caCertFile();
        Optional<Path> key = config.caKeyFile();
        if (cert.isEmpty() && key.isEmpty()) {
            return Optional.empty();
        }
        if (cert.isEmpty() || key.isEmpty()) {
            throw new IllegalStateException("berth.apps.ca-cert-file and berth.apps.ca-key-file go together; only "
                    + (cert.isPresent() ? "the certificate" : "the key") + " is set");
        }
        try {
            long certModified = Files.getLastModifiedTime(cert.get()).toMillis();
            long keyModified = Files.getLastModifiedTime(key.get()).toMillis();
            Loaded l = loaded;
            if (l == null || l.certModified() != certModified || l.keyModified() != keyModified) {
                l = new Loaded(certModified, keyModified, loadCa(Files.readString(cert.get()),
                        Files.readString(key.get())));
                loaded = l;
            }
            return Optional.of(l.ca());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the apps CA (" + cert.get() + ", " + key.get() + ")", e);
        }
    }

    /** The Secret's current certificate and key, or new ones where they do not do. */
    public Issued certificateFor(Ca ca, String namespace, Issued existing) {
        Instant now = clock.instant();
        String host = wildcard(namespace, config.domain());
        if (existing != null && current(ca, existing, host, now)) {
            return existing;
        }
        return issue(ca, host, now, random);
    }

    static String wildcard(String namespace, String domain) {
        return "*." + AppsConfig.hostSuffix(namespace, domain);
    }

    static Ca loadCa(String certificatePem, String keyPem) {
        List<X509Certificate> chain = certificates(certificatePem);
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("the apps CA certificate file holds no certificate");
        }
        PrivateKey key = privateKey(keyPem);
        if (key == null) {
            throw new IllegalArgumentException("the apps CA key file holds no private key");
        }
        if (!matches(key, chain.get(0).getPublicKey())) {
            throw new IllegalArgumentException("the apps CA key is not the key of the apps CA certificate");
        }
        return new Ca(List.copyOf(chain), key);
    }

    /** A new key and certificate for {@code host}, signed by the CA. */
    static Issued issue(Ca ca, String host, Instant now, SecureRandom random) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"), random);
            KeyPair pair = generator.generateKeyPair();
            X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, host).build();
            // 159 random bits: positive, at most 20 octets, and unguessable (CA/Browser Forum's 64 bits at least).
            BigInteger serial = new BigInteger(159, random);
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(ca.certificate(), serial,
                    Date.from(now.minus(BACKDATE)), Date.from(now.plus(Duration.ofDays(VALIDITY_DAYS))), subject,
                    pair.getPublic());
            JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false,
                    new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, host)));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    extensions.createSubjectKeyIdentifier(pair.getPublic()));
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                    extensions.createAuthorityKeyIdentifier(ca.certificate()));
            X509CertificateHolder holder = builder
                    .build(new JcaContentSignerBuilder(signatureAlgorithm(ca.key())).build(ca.key()));
            X509Certificate leaf = new JcaX509CertificateConverter().getCertificate(holder);
            List<Object> pem = new ArrayList<>();
            pem.add(leaf);
            pem.addAll(ca.chain());
            return new Issued(pem(pem), "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(pair.getPrivate().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n");
        } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException
                | org.bouncycastle.cert.CertIOException e) {
            throw new IllegalStateException("cannot issue the apps certificate for " + host, e);
        }
    }

    /**
     * Whether a stored certificate still does: signed by this CA, for exactly this host, valid now and for more than
     * {@value #RENEW_DAYS} days, and its key is the one stored with it. Anything unreadable does not do.
     */
    static boolean current(Ca ca, Issued existing, String host, Instant now) {
        try {
            List<X509Certificate> chain = certificates(existing.certificatePem());
            if (chain.isEmpty()) {
                return false;
            }
            X509Certificate leaf = chain.get(0);
            if (!leaf.getIssuerX500Principal().equals(ca.certificate().getSubjectX500Principal())) {
                return false;
            }
            leaf.verify(ca.certificate().getPublicKey());
            if (!List.of(host).equals(dnsNames(leaf))) {
                return false;
            }
            if (now.isBefore(leaf.getNotBefore().toInstant())
                    || !leaf.getNotAfter().toInstant().isAfter(now.plus(Duration.ofDays(RENEW_DAYS)))) {
                return false;
            }
            PrivateKey key = privateKey(existing.privateKeyPem());
            return key != null && matches(key, leaf.getPublicKey());
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
    }

    static List<String> dnsNames(X509Certificate certificate) throws GeneralSecurityException {
        Collection<List<?>> names = certificate.getSubjectAlternativeNames();
        List<String> dns = new ArrayList<>();
        if (names != null) {
            for (List<?> name : names) {
                if (Integer.valueOf(GeneralName.dNSName).equals(name.get(0))) {
                    dns.add((String) name.get(1));
                }
            }
        }
        return dns;
    }

    static List<X509Certificate> certificates(String pem) {
        List<X509Certificate> certificates = new ArrayList<>();
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof X509CertificateHolder holder) {
                    certificates.add(converter.getCertificate(holder));
                }
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("unreadable certificate PEM", e);
        }
        return certificates;
    }

    /** The first private key in the PEM text (PKCS#8, or the traditional EC and RSA forms), or null. */
    private static PrivateKey privateKey(String pem) {
        try (PEMParser parser = new PEMParser(new StringReader(pem))) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                PrivateKeyInfo info = o instanceof PEMKeyPair pair
                        ? pair.getPrivateKeyInfo()
                        : o instanceof PrivateKeyInfo i ? i : null;
                if (info != null) {
                    // The JDK's own key factories (BouncyCastle's converter would ask for its provider's "ECDSA").
                    ASN1ObjectIdentifier algorithm = info.getPrivateKeyAlgorithm().getAlgorithm();
                    String name = algorithm.equals(X9ObjectIdentifiers.id_ecPublicKey)
                            ? "EC"
                            : algorithm.equals(PKCSObjectIdentifiers.rsaEncryption) ? "RSA" : null;
                    if (name == null) {
                        throw new IllegalArgumentException("the key is neither EC nor RSA");
                    }
                    if (name.equals("EC") && (info.getPrivateKeyAlgorithm().getParameters() == null
                            || info.getPrivateKeyAlgorithm().getParameters() instanceof ASN1Null)) {
                        // The traditional form names its curve inside the key; the JDK wants it in the identifier.
                        var ec = org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
                        info = new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey,
                                ec.getParametersObject()), ec);
                    }
                    return KeyFactory.getInstance(name).generatePrivate(new PKCS8EncodedKeySpec(info.getEncoded()));
                }
            }
            return null;
        } catch (IOException | GeneralSecurityException e) {
            // Not the parser's message: it may quote the text it could not read.
            throw new IllegalArgumentException("unreadable private key PEM");
        }
    }

    /** Whether a private key belongs to a public key: a signature by the one verifies with the other. */
    private static boolean matches(PrivateKey key, PublicKey publicKey) {
        try {
            String algorithm = signatureAlgorithm(key);
            byte[] probe = "berth apps key check".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(probe);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static String signatureAlgorithm(PrivateKey key) {
        return switch (key.getAlgorithm()) {
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "RSA" -> "SHA256withRSA";
            default -> throw new IllegalArgumentException("the apps CA key is " + key.getAlgorithm()
                    + "; an EC or RSA key is needed");
        };
    }

    private static String pem(List<Object> objects) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            for (Object o : objects) {
                writer.writeObject(o);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
