package io.berth.plan;

/**
 * Fired in the transaction that replaces an existing plan's quotas and prices. Whatever is on the plan observes it (the
 * workspaces re-apply their quotas), so plans know none of their users.
 */
public record PlanChanged(String planId) {
}
