package io.berth.web;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.berth.billing.Money;
import io.berth.billing.UsageService;

/**
 * Chart data for the pages, as JSON the browser script hands to Chart.js. Each dataset keeps its exact amounts in
 * micro-units ({@code micro}) next to the plotted values, and the chart its total, so what a chart shows can be
 * checked against the API to the micro-unit.
 */
public final class Charts {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:00'Z'");

    private Charts() {
    }

    public record Dataset(String label, String key, List<Double> data, List<Long> micro) {
    }

    public record Spec(String id, String type, String title, String unit, boolean stacked, List<String> labels,
            List<Dataset> datasets, long totalMicro) {

        public String json() {
            try {
                return JSON.writeValueAsString(this);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        public boolean empty() {
            return datasets.isEmpty();
        }
    }

    /** Every bucket of the usage's range, so a chart shows time evenly, gaps included. */
    static List<String> buckets(UsageService.Usage usage) {
        List<String> out = new ArrayList<>();
        if (usage.granularity().equals("day")) {
            ZoneId zone = ZoneId.of(usage.timezone());
            LocalDate d = usage.from().atZoneSameInstant(zone).toLocalDate();
            LocalDate last = usage.to().minusNanos(1).atZoneSameInstant(zone).toLocalDate();
            for (; !d.isAfter(last); d = d.plusDays(1)) {
                out.add(d.toString());
            }
        } else {
            OffsetDateTime h = usage.from().withOffsetSameInstant(ZoneOffset.UTC).truncatedTo(ChronoUnit.HOURS);
            for (; h.isBefore(usage.to()); h = h.plusHours(1)) {
                out.add(h.format(HOUR));
            }
        }
        return out;
    }

    /** Cost per bucket, one stacked series per resource. */
    public static Spec cost(String id, UsageService.Usage usage) {
        return series(id, "bar", "Cost per resource", Formats.currency(), true, usage, UsageService.Point::line,
                p -> Money.units(p.amountMicro()), true);
    }

    /** Usage per bucket, one series per resource, each in its own unit. */
    public static Spec usage(String id, UsageService.Usage usage) {
        return series(id, "line", "Usage per resource", "", false, usage,
                p -> p.line() + " (" + p.unit() + ")", UsageService.Point::quantity, false);
    }

    private static Spec series(String id, String type, String title, String unit, boolean stacked,
            UsageService.Usage usage, Function<UsageService.Point, String> seriesOf,
            Function<UsageService.Point, BigDecimal> valueOf, boolean money) {
        List<String> labels = buckets(usage);
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            index.put(labels.get(i), i);
        }
        Map<String, BigDecimal[]> values = new TreeMap<>();
        Map<String, long[]> micros = new TreeMap<>();
        Map<String, String> keys = new TreeMap<>();
        for (UsageService.Point p : usage.points()) {
            Integer i = index.get(p.bucket());
            if (i == null) {
                continue;
            }
            String s = seriesOf.apply(p);
            keys.put(s, p.line());
            BigDecimal[] v = values.computeIfAbsent(s, k -> zeros(labels.size()));
            v[i] = v[i].add(valueOf.apply(p));
            micros.computeIfAbsent(s, k -> new long[labels.size()])[i] += p.amountMicro();
        }
        List<Dataset> datasets = new ArrayList<>();
        for (String s : new TreeSet<>(values.keySet())) {
            List<Double> data = new ArrayList<>();
            for (BigDecimal b : values.get(s)) {
                data.add(b.doubleValue());
            }
            List<Long> m = new ArrayList<>();
            for (long x : micros.get(s)) {
                m.add(x);
            }
            datasets.add(new Dataset(s, keys.get(s), data, m));
        }
        return new Spec(id, type, title, money ? unit : "", stacked, labels, datasets, usage.totalMicro());
    }

    /** A chart from already aggregated points (the admin area's platform-wide figures). */
    public static Spec of(String id, String type, String title, String unit, boolean stacked, List<String> labels,
            Map<String, Map<String, BigDecimal>> valuesBySeries, Map<String, Map<String, Long>> microsBySeries) {
        List<Dataset> datasets = new ArrayList<>();
        long total = 0;
        for (String s : new TreeSet<>(valuesBySeries.keySet())) {
            List<Double> data = new ArrayList<>();
            List<Long> m = new ArrayList<>();
            for (String l : labels) {
                data.add(valuesBySeries.get(s).getOrDefault(l, BigDecimal.ZERO).doubleValue());
                long x = microsBySeries.getOrDefault(s, Map.of()).getOrDefault(l, 0L);
                m.add(x);
                total += x;
            }
            datasets.add(new Dataset(s, s, data, m));
        }
        return new Spec(id, type, title, unit, stacked, labels, datasets, total);
    }

    /** Days from {@code days - 1} days before {@code today} to today, as labels. */
    static List<String> lastDays(int days, LocalDate today) {
        List<String> out = new ArrayList<>();
        for (int i = days - 1; i >= 0; i--) {
            out.add(today.minusDays(i).toString());
        }
        return out;
    }

    private static BigDecimal[] zeros(int n) {
        BigDecimal[] a = new BigDecimal[n];
        java.util.Arrays.fill(a, BigDecimal.ZERO);
        return a;
    }
}
