/**
 * Apps published through the shared gateway: the NetworkPolicies that admit the gateway to exactly the pods tenants'
 * routes send traffic to ({@link io.berth.route.GatewayExposure}), and the routes as the API and console show them.
 * Reads the cluster only (its caches of routes and Services); owns no table.
 */
package io.berth.route;
