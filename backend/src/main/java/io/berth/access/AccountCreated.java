package io.berth.access;

import java.util.UUID;

/**
 * Fired in the transaction that creates an account, on its first authenticated request. The features that give a new
 * account something (its personal workspace, its sign-up credit) observe it, so sign-up knows none of them; an
 * observer that fails rolls the sign-up back, to be tried again on the next request.
 */
public record AccountCreated(UUID accountId, String username, String planId) {
}
