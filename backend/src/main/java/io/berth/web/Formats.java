package io.berth.web;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import org.eclipse.microprofile.config.ConfigProvider;

import io.berth.billing.BillingConfig;
import io.berth.billing.Money;
import io.quarkus.qute.TemplateExtension;
import io.quarkus.qute.TemplateGlobal;
import io.smallrye.config.SmallRyeConfig;

/** How pages write amounts, times and sizes. */
@TemplateExtension
public class Formats {

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'");

    private Formats() {
    }

    /** Micro-units as money rounded to cents: {@code {balanceMicro.money}} → "4.21". */
    static String money(long micros) {
        return Money.cents(micros);
    }

    /** Micro-units exactly: 1234567 → "1.234567". */
    static String exact(long micros) {
        return Money.format(micros);
    }

    /** A price per unit: at least cents, more digits only when the price has them (0.0001 stays visible). */
    static String price(long micros) {
        BigDecimal v = Money.units(micros).stripTrailingZeros();
        return v.scale() < 2 ? v.setScale(2, RoundingMode.UNNECESSARY).toPlainString() : v.toPlainString();
    }

    /** Times go through {@code fmt:} because they may be missing: {@code {fmt:when(ws.createdAt)}}. */
    @TemplateExtension(namespace = "fmt")
    static String when(OffsetDateTime t) {
        return t == null ? "—" : t.withOffsetSameInstant(ZoneOffset.UTC).format(WHEN);
    }

    @TemplateExtension(namespace = "fmt")
    static String iso(OffsetDateTime t) {
        return t == null ? "" : t.withOffsetSameInstant(ZoneOffset.UTC).toString();
    }

    /** A query-string value: {@code ?q={fmt:url(q)}}. */
    @TemplateExtension(namespace = "fmt")
    static String url(String value) {
        return value == null ? "" : java.net.URLEncoder.encode(value, java.nio.charset.StandardCharsets.UTF_8);
    }

    static String gib(long bytes) {
        return BigDecimal.valueOf(bytes).divide(BigDecimal.valueOf(1L << 30), 1, RoundingMode.HALF_UP)
                .stripTrailingZeros().toPlainString();
    }

    static String cores(long millis) {
        return BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString();
    }

    /** The platform's currency, for every page ({@code {currency}}). */
    @TemplateGlobal
    static String currency() {
        return ConfigProvider.getConfig().unwrap(SmallRyeConfig.class).getConfigMapping(BillingConfig.class)
                .currency();
    }
}
