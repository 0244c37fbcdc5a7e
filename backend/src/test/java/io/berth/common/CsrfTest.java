package io.berth.common;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CsrfTest {

    static final String TOKEN = "q3Jx0c8mS2v8yR6e1hN4kP7tW9zB5dF0gH2jK4lM6nQ";

    @Test
    void onlyTheCookiesOwnTokenMatches() {
        assertThat(Csrf.wellFormed(TOKEN)).isTrue();
        assertThat(Csrf.matches(TOKEN, TOKEN)).isTrue();
        assertThat(Csrf.matches(TOKEN, " " + TOKEN + " ")).isTrue();
        assertThat(Csrf.matches(TOKEN, TOKEN.substring(1) + "A")).isFalse();
        assertThat(Csrf.matches(TOKEN, null)).isFalse();
        assertThat(Csrf.matches(TOKEN, "")).isFalse();
        // A cookie an attacker could plant must still look like ours.
        assertThat(Csrf.matches("short", "short")).isFalse();
        assertThat(Csrf.matches(null, TOKEN)).isFalse();
    }

    @Test
    void pagesAreProtectedAndTheApiIsNot() {
        assertThat(Csrf.isProtected("/console")).isTrue();
        assertThat(Csrf.isProtected("/console/workspaces/x/rename")).isTrue();
        assertThat(Csrf.isProtected("/admin/accounts/x/adjust")).isTrue();
        assertThat(Csrf.isProtected("/api/v1/workspaces")).isFalse();
        assertThat(Csrf.isProtected("/consoled")).isFalse();
    }
}
