package io.berth.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;

class TopupSignatureTest {

    private static final String SECRET = "whsec-test";
    private static final String BODY = "{\"id\":\"evt_1\"}";
    private static final Instant NOW = Instant.parse("2026-11-20T10:00:00Z");
    private static final Duration TOLERANCE = Duration.ofMinutes(5);

    private static String check(String header, String body) {
        return TopupSignature.check(header, body, SECRET, NOW, TOLERANCE);
    }

    @Test
    void aSignatureOfThisBodyAndTimeWithTheSecretIsValid() {
        assertThat(check(TopupSignature.header(NOW.getEpochSecond(), BODY, SECRET), BODY)).isNull();
        assertThat(check(TopupSignature.header(NOW.getEpochSecond() - 299, BODY, SECRET), BODY)).isNull();
    }

    @Test
    void anotherBodyOrSecretDoesNotMatch() {
        assertThat(check(TopupSignature.header(NOW.getEpochSecond(), BODY, SECRET), BODY + " "))
                .isEqualTo("the signature does not match");
        assertThat(check(TopupSignature.header(NOW.getEpochSecond(), BODY, "other"), BODY))
                .isEqualTo("the signature does not match");
    }

    @Test
    void aStaleOrFutureTimestampIsRefused() {
        assertThat(check(TopupSignature.header(NOW.getEpochSecond() - 301, BODY, SECRET), BODY))
                .startsWith("the signature timestamp is outside the tolerance");
        assertThat(check(TopupSignature.header(NOW.getEpochSecond() + 301, BODY, SECRET), BODY))
                .startsWith("the signature timestamp is outside the tolerance");
    }

    @Test
    void malformedHeadersSayWhatIsWrong() {
        assertThat(check(null, BODY)).isEqualTo("the Berth-Signature header is missing");
        assertThat(check("v1=abcd", BODY)).startsWith("the Berth-Signature header needs");
        assertThat(check("t=soon,v1=abcd", BODY)).isEqualTo("the signature timestamp is not a number");
        assertThat(check("t=" + NOW.getEpochSecond() + ",v1=xyz", BODY)).isEqualTo("the signature is not hexadecimal");
    }
}
