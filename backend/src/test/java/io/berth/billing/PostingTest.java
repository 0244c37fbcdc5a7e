package io.berth.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class PostingTest {

    private final UUID account = UUID.randomUUID();

    @Test
    void moneyToACustomerComesFromASystemAccount() {
        Posting p = Posting.toCustomer(Posting.Kind.topup, account, 5, Posting.SystemAccount.payments, "topup:1",
                "Top-up", null, null);
        assertThat(p.customerDelta()).isEqualTo(5);
        assertThat(p.legs()).extracting(Posting.Leg::amountMicro).containsExactly(5L, -5L);
        assertThat(p.legs().get(1).system()).isEqualTo(Posting.SystemAccount.payments);
    }

    @Test
    void moneyFromACustomerGoesToASystemAccount() {
        Posting p = Posting.fromCustomer(Posting.Kind.charge, account, 7, Posting.SystemAccount.revenue, "c:1",
                "Usage", null, null);
        assertThat(p.customerDelta()).isEqualTo(-7);
    }

    @Test
    void legsMustBalanceAndEachHaveOneAccountAndAnAmount() {
        assertThatThrownBy(() -> new Posting(Posting.Kind.credit, account, "k", "d", null, null,
                List.of(new Posting.Leg(account, null, 5),
                        new Posting.Leg(null, Posting.SystemAccount.promotions, -4))))
                .hasMessageContaining("do not balance");
        assertThatThrownBy(() -> new Posting(Posting.Kind.credit, account, "k", "d", null, null,
                List.of(new Posting.Leg(account, Posting.SystemAccount.promotions, 0))))
                .hasMessageContaining("needs one account");
        assertThatThrownBy(() -> new Posting(Posting.Kind.credit, account, "k", "d", null, null,
                List.of(new Posting.Leg(null, null, 3), new Posting.Leg(account, null, -3))))
                .hasMessageContaining("needs one account");
    }
}
