package io.berth.billing;

import java.util.List;
import java.util.UUID;

/**
 * A ledger transaction to post: its legs sum to zero. Each leg belongs to a customer account or to one of the
 * platform's own accounts ({@link SystemAccount}); a positive amount raises the leg's account.
 */
public record Posting(Kind kind, UUID accountId, String idemKey, String description, String reason, UUID createdBy,
        List<Leg> legs) {

    public enum Kind {
        charge, topup, credit, refund, adjustment, signup_credit, voucher, free_allowance
    }

    public enum SystemAccount {
        revenue, payments, promotions, adjustments
    }

    public record Leg(UUID accountId, SystemAccount system, long amountMicro) {
    }

    public Posting {
        if (legs.stream().mapToLong(Leg::amountMicro).sum() != 0) {
            throw new IllegalArgumentException("legs of " + idemKey + " do not balance");
        }
        if (legs.stream().anyMatch(l -> l.amountMicro() == 0 || (l.accountId() == null) == (l.system() == null))) {
            throw new IllegalArgumentException("every leg of " + idemKey + " needs one account and a non-zero amount");
        }
    }

    /** Money into a customer's balance from a system account (top-up, credit, voucher, refund). */
    public static Posting toCustomer(Kind kind, UUID account, long amountMicro, SystemAccount from, String idemKey,
            String description, String reason, UUID createdBy) {
        return new Posting(kind, account, idemKey, description, reason, createdBy,
                List.of(new Leg(account, null, amountMicro), new Leg(null, from, -amountMicro)));
    }

    /** Money out of a customer's balance into a system account (charge, debit adjustment). */
    public static Posting fromCustomer(Kind kind, UUID account, long amountMicro, SystemAccount to, String idemKey,
            String description, String reason, UUID createdBy) {
        return new Posting(kind, account, idemKey, description, reason, createdBy,
                List.of(new Leg(account, null, -amountMicro), new Leg(null, to, amountMicro)));
    }

    /** What the customer's balance changes by. */
    public long customerDelta() {
        return legs.stream().filter(l -> l.accountId() != null).mapToLong(Leg::amountMicro).sum();
    }
}
