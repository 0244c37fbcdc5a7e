package io.berth.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.Test;

class ReconcileKeyTest {

    private final UUID id = UUID.fromString("3f9a2b1c-4d5e-4f60-8a7b-9c0d1e2f3a4b");

    @Test
    void keysAreALetterAndAnId() {
        assertThat(ReconcileKey.workspace(id)).hasToString("w:" + id);
        assertThat(ReconcileKey.account(id)).hasToString("a:" + id);
    }

    @Test
    void aKeyReadsBackAsItWasWritten() {
        for (ReconcileKey key : new ReconcileKey[]{ReconcileKey.workspace(id), ReconcileKey.account(id)}) {
            assertThat(ReconcileKey.parse(key.toString())).contains(key);
        }
    }

    @Test
    void anythingElseIsNoKey() {
        assertThat(ReconcileKey.parse(null)).isEmpty();
        assertThat(ReconcileKey.parse("x:" + id)).as("no such kind").isEmpty();
        assertThat(ReconcileKey.parse("w:not-a-uuid-at-all-not-a-uuid-at-all")).isEmpty();
        assertThat(ReconcileKey.parse("w:" + id.toString().toUpperCase())).as("ids are written lowercase").isEmpty();
        assertThat(ReconcileKey.parse("w-" + id)).isEmpty();
        assertThat(ReconcileKey.parse("w:" + id + " ")).isEmpty();
    }
}
