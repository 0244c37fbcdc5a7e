package io.berth.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What dev/stack hands the backend (dev/lib/backend.sh's backend_env), without starting anything. */
class BackendEnvTest {

    @TempDir
    Path state;

    private List<String> backendEnv(Map<String, String> extra) throws IOException, InterruptedException {
        Path root = RealStack.root();
        ProcessBuilder pb = new ProcessBuilder("bash", "-c",
                "source dev/lib/common.sh && source dev/lib/backend.sh && backend_env").directory(root.toFile())
                .redirectErrorStream(true);
        pb.environment().put("BERTH_STATE", state.toString());
        pb.environment().remove("BERTH_BACKEND_HOST");
        pb.environment().putAll(extra);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return new ArrayList<>(out.lines().toList());
    }

    @Test
    void theBackendListensOnLoopbackUnlessToldOtherwise() throws Exception {
        assertThat(backendEnv(Map.of())).contains("QUARKUS_HTTP_HOST=127.0.0.1");
        assertThat(backendEnv(Map.of("BERTH_BACKEND_HOST", "0.0.0.0"))).contains("QUARKUS_HTTP_HOST=0.0.0.0");
    }

    @Test
    void theTopupWebhookHasAGeneratedSecretKeptWithTheOthers() throws Exception {
        List<String> first = backendEnv(Map.of());
        String secret = Files.readString(state.resolve("secrets/topup-webhook")).strip();
        assertThat(secret).hasSizeGreaterThanOrEqualTo(30);
        assertThat(first).contains("BERTH_BILLING_WEBHOOK_SECRET=" + secret);
        // Generated once per state directory: the next start signs with the same secret.
        assertThat(backendEnv(Map.of())).contains("BERTH_BILLING_WEBHOOK_SECRET=" + secret);
        assertThat(Files.getPosixFilePermissions(state.resolve("secrets/topup-webhook")))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }
}
