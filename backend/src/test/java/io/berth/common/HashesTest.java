package io.berth.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;

import org.junit.jupiter.api.Test;

class HashesTest {

    @Test
    void secretsAreStoredAsTheSha256OfTheirUtf8() {
        assertThat(HexFormat.of().formatHex(Hashes.sha256("abc")))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(Hashes.sha256("é")).isEqualTo(Hashes.sha256("\u00e9")).hasSize(32);
    }
}
