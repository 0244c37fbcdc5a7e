package io.berth.common;

import java.net.URI;

/** Stable problem type URIs, documented in docs/api.md. */
public final class ProblemTypes {

    private static final String BASE = "https://berth.dev/problems/";

    public static final URI VALIDATION = URI.create(BASE + "validation");
    public static final URI UNAUTHENTICATED = URI.create(BASE + "unauthenticated");
    public static final URI FORBIDDEN = URI.create(BASE + "forbidden");
    public static final URI NOT_FOUND = URI.create(BASE + "not-found");
    public static final URI CONFLICT = URI.create(BASE + "conflict");
    public static final URI INTERNAL = URI.create(BASE + "internal");
    public static final URI RATE_LIMITED = URI.create(BASE + "rate-limited");

    private ProblemTypes() {
    }

    public static URI forStatus(int status) {
        return switch (status) {
            case 400, 415, 422 -> VALIDATION;
            case 401 -> UNAUTHENTICATED;
            case 403 -> FORBIDDEN;
            case 404 -> NOT_FOUND;
            case 409, 412 -> CONFLICT;
            case 429 -> RATE_LIMITED;
            case 500 -> INTERNAL;
            default -> URI.create("about:blank");
        };
    }
}
