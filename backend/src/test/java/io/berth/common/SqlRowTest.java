package io.berth.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class SqlRowTest {

    private static final Instant AT = Instant.parse("2026-11-20T10:00:00.123456Z");

    private static Sql.Row row(Object... values) {
        return new Sql.Row(Arrays.asList(values));
    }

    @Test
    void pointsInTimeAreUtcWhateverTheDriverHandsBack() {
        OffsetDateTime utc = AT.atOffset(ZoneOffset.UTC);
        Sql.Row r = row(AT.atOffset(ZoneOffset.ofHours(2)), AT, Timestamp.from(AT), AT.getEpochSecond(), null);
        assertThat(r.time(0)).isEqualTo(utc);
        assertThat(r.time(1)).isEqualTo(utc);
        assertThat(r.time(2)).isEqualTo(utc);
        assertThat(r.time(3)).as("whole epoch seconds").isEqualTo(OffsetDateTime.parse("2026-11-20T10:00:00Z"));
        assertThat(r.time(4)).isNull();
        assertThatThrownBy(() -> row("yesterday").time(0)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void numbersOfAnyWidthAndANullSumOfNothing() {
        Sql.Row r = row(3L, 4, new BigDecimal("5"), null);
        assertThat(r.number(0)).isEqualTo(3);
        assertThat(r.number(1)).isEqualTo(4);
        assertThat(r.number(2)).isEqualTo(5);
        assertThat(r.number(3)).isZero();
    }

    @Test
    void idsTextDecimalsAndFlags() {
        UUID id = UUID.randomUUID();
        Sql.Row r = row(id, id.toString(), "1.5", 2L, Boolean.TRUE, null);
        assertThat(r.uuid(0)).isEqualTo(id);
        assertThat(r.uuid(1)).isEqualTo(id);
        assertThat(r.decimal(2)).isEqualByComparingTo("1.5");
        assertThat(r.string(3)).isEqualTo("2");
        assertThat(r.bool(4)).isTrue();
        assertThat(r.bool(5)).isFalse();
        assertThat(r.uuid(5)).isNull();
    }

    @Test
    void aSetOfIdsIsOneArrayParameter() {
        UUID a = UUID.fromString("00000000-0000-0000-0000-000000000001");
        UUID b = UUID.fromString("00000000-0000-0000-0000-000000000002");
        assertThat(Sql.uuidArray(List.of(a, b))).isEqualTo("{" + a + "," + b + "}");
        assertThat(Sql.uuidArray(List.of())).isEqualTo("{}");
    }
}
