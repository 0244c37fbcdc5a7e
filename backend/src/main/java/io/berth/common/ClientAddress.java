package io.berth.common;

import io.vertx.core.http.HttpServerRequest;

/** The client's address as this server sees it (behind a proxy, set quarkus.http.proxy.* so it is the client's). */
public final class ClientAddress {

    private ClientAddress() {
    }

    public static String of(HttpServerRequest request) {
        return request.remoteAddress() == null ? "unknown" : request.remoteAddress().hostAddress();
    }
}
