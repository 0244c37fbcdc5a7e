package io.berth.billing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MoneyTest {

    @Test
    void microUnitsAreSixDecimalsOfAUnit() {
        assertThat(Money.format(1_234_567)).isEqualTo("1.234567");
        assertThat(Money.format(-37_500)).isEqualTo("-0.037500");
        assertThat(Money.units(5_000_000)).isEqualByComparingTo("5");
    }

    @Test
    void centsRoundHalfUp() {
        assertThat(Money.cents(1_234_567)).isEqualTo("1.23");
        assertThat(Money.cents(1_235_000)).isEqualTo("1.24");
        assertThat(Money.cents(-100)).isEqualTo("0.00");
    }

    @Test
    void amountsPeopleTypeBecomeMicroUnitsExactly() {
        assertThat(Money.parse("5")).isEqualTo(5_000_000);
        assertThat(Money.parse(" -2.50 ")).isEqualTo(-2_500_000);
        assertThat(Money.parse("0.000001")).isEqualTo(1);
    }

    @Test
    void moreThanSixDecimalsOrNoNumberIsRefused() {
        assertThatThrownBy(() -> Money.parse("0.0000001")).isInstanceOf(ArithmeticException.class);
        assertThatThrownBy(() -> Money.parse("ten")).isInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> Money.parse("99999999999999999999")).isInstanceOf(ArithmeticException.class);
    }
}
