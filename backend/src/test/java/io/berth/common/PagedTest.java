package io.berth.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

class PagedTest {

    @Test
    void aPagerKnowsWhereItIs() {
        Paged<String> middle = new Paged<>(List.of("k"), 2, 20, 41);
        assertThat(middle.pages()).isEqualTo(3);
        assertThat(middle.hasPrevious()).isTrue();
        assertThat(middle.hasNext()).isTrue();
        assertThat(middle.previous()).isEqualTo(1);
        assertThat(middle.next()).isEqualTo(3);
        Paged<String> empty = new Paged<>(List.of(), 1, 20, 0);
        assertThat(empty.pages()).as("an empty list is one page").isEqualTo(1);
        assertThat(empty.hasPrevious()).isFalse();
        assertThat(empty.hasNext()).isFalse();
    }

    @Test
    void pagesStartAtOne() {
        assertThat(Paged.offset(1, 20)).isZero();
        assertThat(Paged.offset(3, 50)).isEqualTo(100);
        assertThat(Paged.offset(0, 20)).as("no page before the first").isZero();
    }
}
