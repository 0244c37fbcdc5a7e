package io.berth.workspace;

/**
 * Why a workspace is suspended. Each reason is set and lifted on its own, so a top-up that ends the debt does not lift
 * an admin's suspension, and resuming an account an admin suspended does not lift its debt.
 */
public enum SuspensionReason {
    /** The owner's balance ran out: the debt lifecycle suspends, and resumes once money comes in. */
    debt,
    /** An admin suspended the owner's account, until an admin resumes it. */
    admin
}
