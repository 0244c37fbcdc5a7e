package io.berth.billing;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Verifies a payment provider's signature in the Stripe style: header {@code t=<unix seconds>,v1=<hex>} where v1 is
 * HMAC-SHA256 over {@code "<t>.<raw body>"} with the shared secret, and t within the tolerance of now. Pure logic.
 */
public final class TopupSignature {

    private TopupSignature() {
    }

    /** Why a signature was refused; null means valid. */
    public static String check(String header, String body, String secret, Instant now, Duration tolerance) {
        if (header == null || header.isBlank()) {
            return "the Berth-Signature header is missing";
        }
        Long t = null;
        String v1 = null;
        for (String part : header.split(",")) {
            String[] kv = part.strip().split("=", 2);
            if (kv.length == 2 && kv[0].equals("t")) {
                try {
                    t = Long.parseLong(kv[1]);
                } catch (NumberFormatException e) {
                    return "the signature timestamp is not a number";
                }
            } else if (kv.length == 2 && kv[0].equals("v1")) {
                v1 = kv[1];
            }
        }
        if (t == null || v1 == null) {
            return "the Berth-Signature header needs t=<timestamp> and v1=<signature>";
        }
        if (Math.abs(now.getEpochSecond() - t) > tolerance.toSeconds()) {
            return "the signature timestamp is outside the tolerance of " + tolerance.toSeconds() + " s";
        }
        byte[] expected = sign(t, body, secret);
        byte[] given;
        try {
            given = HexFormat.of().parseHex(v1);
        } catch (IllegalArgumentException e) {
            return "the signature is not hexadecimal";
        }
        return MessageDigest.isEqual(expected, given) ? null : "the signature does not match";
    }

    public static byte[] sign(long timestamp, String body, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String header(long timestamp, String body, String secret) {
        return "t=" + timestamp + ",v1=" + HexFormat.of().formatHex(sign(timestamp, body, secret));
    }
}
