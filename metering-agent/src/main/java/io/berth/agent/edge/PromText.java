package io.berth.agent.edge;

import java.io.BufferedReader;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads what edge metering needs from Traefik's Prometheus text exposition (format 0.0.4): the bytes of request and
 * response bodies per service and series, and the process start time (a changed start time is a restart, whatever the
 * counters say). Everything else on the page (histograms, Go runtime) is skipped line by line without being kept.
 */
public final class PromText {

    /** Bytes of request bodies received from clients, per service. */
    public static final String REQUESTS = "traefik_service_requests_bytes_total";
    /** Bytes of response bodies sent to clients, per service. */
    public static final String RESPONSES = "traefik_service_responses_bytes_total";
    static final String START_TIME = "process_start_time_seconds";

    private PromText() {
    }

    /**
     * One scrape: {@code startMillis} (0 when the page has no start time) and, per {@code service} label, per series
     * (the other labels, sorted, as {@code k=v,...}), the two counters.
     */
    public record Scrape(long startMillis, Map<String, Map<String, Bytes>> services) {
    }

    public static Scrape parse(BufferedReader in) throws IOException {
        long start = 0;
        Map<String, Map<String, long[]>> found = new TreeMap<>();
        String line;
        int lineNo = 0;
        while ((line = in.readLine()) != null) {
            lineNo++;
            if (line.isEmpty() || line.charAt(0) == '#') {
                continue;
            }
            boolean requests = line.startsWith(REQUESTS) && isNameEnd(line, REQUESTS.length());
            boolean responses = !requests && line.startsWith(RESPONSES) && isNameEnd(line, RESPONSES.length());
            boolean startTime = !requests && !responses && line.startsWith(START_TIME)
                    && isNameEnd(line, START_TIME.length());
            if (!requests && !responses && !startTime) {
                continue;
            }
            int at = requests ? REQUESTS.length() : responses ? RESPONSES.length() : START_TIME.length();
            Map<String, String> labels = new TreeMap<>();
            if (at < line.length() && line.charAt(at) == '{') {
                at = labels(line, at + 1, labels, lineNo);
            }
            long value = value(line, at, lineNo, startTime);
            if (startTime) {
                start = value;
                continue;
            }
            String service = labels.remove("service");
            if (service == null || service.isEmpty()) {
                throw new IOException("line " + lineNo + ": " + (requests ? REQUESTS : RESPONSES)
                        + " without a service label");
            }
            StringBuilder key = new StringBuilder();
            labels.forEach((k, v) -> key.append(key.length() == 0 ? "" : ",").append(k).append('=').append(v));
            long[] pair = found.computeIfAbsent(service, s -> new TreeMap<>()).computeIfAbsent(key.toString(),
                    k -> new long[2]);
            pair[requests ? 0 : 1] = Math.addExact(pair[requests ? 0 : 1], value);
        }
        Map<String, Map<String, Bytes>> services = new LinkedHashMap<>();
        found.forEach((service, series) -> {
            Map<String, Bytes> s = new LinkedHashMap<>();
            series.forEach((k, v) -> s.put(k, new Bytes(v[0], v[1])));
            services.put(service, s);
        });
        return new Scrape(start, services);
    }

    private static boolean isNameEnd(String line, int at) {
        return at < line.length() && (line.charAt(at) == '{' || line.charAt(at) == ' ' || line.charAt(at) == '\t');
    }

    /** Parses {@code name="value",...}} from {@code at} (just after the brace); returns the index after '}'. */
    private static int labels(String line, int at, Map<String, String> out, int lineNo) throws IOException {
        int i = at;
        while (true) {
            while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == ',')) {
                i++;
            }
            if (i >= line.length()) {
                throw new IOException("line " + lineNo + ": unterminated labels");
            }
            if (line.charAt(i) == '}') {
                return i + 1;
            }
            int eq = line.indexOf('=', i);
            if (eq < 0 || eq + 1 >= line.length() || line.charAt(eq + 1) != '"') {
                throw new IOException("line " + lineNo + ": malformed label");
            }
            String name = line.substring(i, eq).trim();
            StringBuilder v = new StringBuilder();
            int j = eq + 2;
            for (;; j++) {
                if (j >= line.length()) {
                    throw new IOException("line " + lineNo + ": unterminated label value");
                }
                char c = line.charAt(j);
                if (c == '\\' && j + 1 < line.length()) {
                    char e = line.charAt(++j);
                    v.append(e == 'n' ? '\n' : e);
                } else if (c == '"') {
                    break;
                } else {
                    v.append(c);
                }
            }
            if (out.put(name, v.toString()) != null) {
                throw new IOException("line " + lineNo + ": label " + name + " twice");
            }
            i = j + 1;
        }
    }

    /**
     * The sample value: a counter of bytes is a whole, non-negative number (Traefik adds whole byte counts to a
     * float64, exact up to 2^53); a start time is seconds, kept in milliseconds.
     */
    private static long value(String line, int at, int lineNo, boolean seconds) throws IOException {
        String rest = line.substring(at).trim();
        int space = rest.indexOf(' ');
        String token = space < 0 ? rest : rest.substring(0, space);
        BigDecimal v;
        try {
            v = new BigDecimal(token);
        } catch (NumberFormatException e) {
            throw new IOException("line " + lineNo + ": not a number: " + token);
        }
        if (v.signum() < 0) {
            throw new IOException("line " + lineNo + ": negative counter: " + token);
        }
        if (seconds) {
            v = v.movePointRight(3);
        }
        try {
            return v.setScale(0, RoundingMode.FLOOR).longValueExact();
        } catch (ArithmeticException e) {
            throw new IOException("line " + lineNo + ": out of range: " + token);
        }
    }
}
