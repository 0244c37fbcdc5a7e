package io.berth.route;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A route into a workspace as its members see it: where it is published and whether the gateway took it. */
@Schema(description = "An HTTPRoute, GRPCRoute or Ingress of the workspace")
public record RouteView(@Schema(enumeration = {
        "HTTPRoute", "GRPCRoute", "Ingress"}) String kind, String name,
        @Schema(description = "The host names the route claims") List<String> hostnames,
        @Schema(description = "https://<host>/ for each host under the workspace's own suffix") List<String> urls,
        @Schema(enumeration = {RouteView.ACCEPTED, RouteView.CONFLICTING_HOST, RouteView.NOT_VERIFIED,
                RouteView.PENDING}, description = "accepted: the gateway serves it; conflicting host: the gateway "
                        + "refused it or another workspace's route has the host; not verified: a host is outside "
                        + "the workspace's suffix; pending: the gateway has not answered yet") String status,
        @Schema(description = "Why, in the gateway's words where it gave some", nullable = true) String statusReason){

    public static final String ACCEPTED = "accepted";
    public static final String CONFLICTING_HOST = "conflicting host";
    public static final String NOT_VERIFIED = "not verified";
    public static final String PENDING = "pending";

    public boolean accepted() {
        return ACCEPTED.equals(status);
    }
}
