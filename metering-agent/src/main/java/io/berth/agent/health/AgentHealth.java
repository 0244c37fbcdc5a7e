package io.berth.agent.health;

import java.time.Instant;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

import io.berth.agent.Agent;

/**
 * Live while the sampling loop runs; ready once this node's pods are listed. An unreachable PostgreSQL makes the agent
 * neither: it spools, which is its job, and restarting it would not help.
 */
public class AgentHealth {

    @Liveness
    @ApplicationScoped
    public static class Live implements HealthCheck {
        @Inject
        Agent agent;

        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.named("sampler").status(agent.started() && agent.samplerAlive())
                    .withData("lastWindowEnd", agent.lastWindowEnd() == 0
                            ? "none"
                            : Instant.ofEpochMilli(agent.lastWindowEnd()).toString())
                    .build();
        }
    }

    @Readiness
    @ApplicationScoped
    public static class Ready implements HealthCheck {
        @Inject
        Agent agent;

        @Override
        public HealthCheckResponse call() {
            return HealthCheckResponse.named("node-pods").status(agent.started() && agent.podsSynced())
                    .withData("spoolSegments", agent.spoolSegments()).withData("spoolBytes", agent.spoolBytes())
                    .withData("collector", agent.collectorActive()).build();
        }
    }
}
