package io.berth.agent.edge;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The arithmetic of edge metering, without I/O: what each gateway pod's counters moved since the last committed
 * snapshot, across restarts of the gateway. Per series (a service's counters for one code, method and protocol) it
 * keeps the committed value ({@code base}), the latest reading, and what was counted before a reset since the base
 * ({@code carried}). A restart shows as a new process start time or as a counter that went down; from then the
 * counter counts from 0, so what it read before the reset is carried and the new value is added in full. A series that
 * disappears (Traefik drops a removed service's series after exporting them once more) keeps what it had counted.
 */
public final class EdgeTracks {

    static final class Series {
        long baseIn;
        long baseOut;
        long lastIn;
        long lastOut;
        long carriedIn;
        long carriedOut;
        boolean gone;

        Bytes delta() {
            return new Bytes(carriedIn + lastIn - baseIn, carriedOut + lastOut - baseOut);
        }
    }

    static final class Track {
        final String uid;
        String namespace;
        String name;
        long startMillis;
        /** A gateway that ran long before metering: its first reading is the baseline, not usage. */
        boolean baselineNext;
        final Map<String, Map<String, Series>> services = new HashMap<>();
        boolean podGone;

        Track(String uid) {
            this.uid = uid;
        }
    }

    /** What a window close produced for one gateway pod: bytes per service, and the counters it ends at. */
    public record Movement(String uid, Map<String, Bytes> perService, GatewayCounters next) {
    }

    private final Map<String, Track> tracks = new LinkedHashMap<>();

    /** Starts from the committed counters (after a restart of the agent). */
    public EdgeTracks(Map<String, GatewayCounters> committed) {
        if (committed != null) {
            committed.forEach((uid, c) -> {
                Track t = new Track(uid);
                t.namespace = c.namespace();
                t.name = c.name();
                t.startMillis = c.startMillis();
                c.services().forEach((svc, series) -> series.forEach((k, b) -> {
                    Series s = new Series();
                    s.baseIn = s.lastIn = b.in();
                    s.baseOut = s.lastOut = b.out();
                    t.services.computeIfAbsent(svc, x -> new HashMap<>()).put(k, s);
                }));
                tracks.put(uid, t);
            });
        }
    }

    public boolean knows(String uid) {
        return tracks.containsKey(uid);
    }

    /**
     * A gateway pod seen for the first time; {@code fromZero}: its counters are all usage (it started after metering
     * began), else its first reading is the baseline.
     */
    public void add(String uid, String namespace, String name, boolean fromZero) {
        Track t = tracks.computeIfAbsent(uid, Track::new);
        t.namespace = namespace;
        t.name = name;
        t.baselineNext = !fromZero;
    }

    /** The pod is no longer on the node: its counts up to its last reading go into the next window, then it goes. */
    public void gone(String uid) {
        Track t = tracks.get(uid);
        if (t != null) {
            t.podGone = true;
        }
    }

    public List<String> uids() {
        return new ArrayList<>(tracks.keySet());
    }

    /** One successful scrape of a pod's metrics. */
    public void observe(String uid, PromText.Scrape scrape) {
        Track t = tracks.get(uid);
        if (t == null) {
            throw new IllegalStateException("unknown gateway pod " + uid);
        }
        if (t.baselineNext) {
            t.baselineNext = false;
            t.startMillis = scrape.startMillis();
            t.services.clear();
            scrape.services().forEach((svc, series) -> series.forEach((k, b) -> {
                Series s = new Series();
                s.baseIn = s.lastIn = b.in();
                s.baseOut = s.lastOut = b.out();
                t.services.computeIfAbsent(svc, x -> new HashMap<>()).put(k, s);
            }));
            return;
        }
        boolean restarted = scrape.startMillis() != 0 && t.startMillis != 0 && scrape.startMillis() != t.startMillis;
        if (scrape.startMillis() != 0) {
            t.startMillis = scrape.startMillis();
        }
        for (Map<String, Series> series : t.services.values()) {
            for (Series s : series.values()) {
                if (restarted) {
                    resetIn(s);
                    resetOut(s);
                }
                s.gone = true; // until this scrape shows it
            }
        }
        scrape.services().forEach((svc, series) -> series.forEach((k, b) -> {
            Series s = t.services.computeIfAbsent(svc, x -> new HashMap<>()).computeIfAbsent(k, x -> new Series());
            s.gone = false;
            if (b.in() < s.lastIn) {
                resetIn(s);
            }
            if (b.out() < s.lastOut) {
                resetOut(s);
            }
            s.lastIn = b.in();
            s.lastOut = b.out();
        }));
        // A series no longer exported is kept as read: its count so far stays in the window, and were it to come
        // back, it would start again at 0 and show as a reset.
    }

    private static void resetIn(Series s) {
        s.carriedIn += s.lastIn - s.baseIn;
        s.baseIn = 0;
        s.lastIn = 0;
    }

    private static void resetOut(Series s) {
        s.carriedOut += s.lastOut - s.baseOut;
        s.baseOut = 0;
        s.lastOut = 0;
    }

    /** What every gateway pod moved since the committed snapshot, and the counters it ends at; changes nothing. */
    public List<Movement> movements() {
        List<Movement> out = new ArrayList<>();
        for (Track t : tracks.values()) {
            if (t.baselineNext && t.services.isEmpty()) {
                continue; // not read yet: nothing to say, nothing to commit
            }
            Map<String, Bytes> perService = new LinkedHashMap<>();
            Map<String, Map<String, Bytes>> next = new LinkedHashMap<>();
            t.services.forEach((svc, series) -> {
                Bytes sum = Bytes.ZERO;
                Map<String, Bytes> keep = new LinkedHashMap<>();
                for (Map.Entry<String, Series> e : series.entrySet()) {
                    Series s = e.getValue();
                    sum = sum.plus(s.delta());
                    if (!s.gone) {
                        keep.put(e.getKey(), new Bytes(s.lastIn, s.lastOut));
                    }
                }
                if (!sum.isZero()) {
                    perService.put(svc, sum);
                }
                if (!keep.isEmpty()) {
                    next.put(svc, keep);
                }
            });
            out.add(new Movement(t.uid, perService, t.podGone
                    ? null
                    : new GatewayCounters(t.namespace, t.name, t.startMillis, next)));
        }
        return out;
    }

    /** The movements were committed: they become the base; gone series and pods are forgotten. */
    public void committed() {
        tracks.values().removeIf(t -> t.podGone);
        for (Track t : tracks.values()) {
            for (Map<String, Series> series : t.services.values()) {
                series.values().removeIf(s -> s.gone);
                for (Series s : series.values()) {
                    s.baseIn = s.lastIn;
                    s.baseOut = s.lastOut;
                    s.carriedIn = 0;
                    s.carriedOut = 0;
                }
            }
            t.services.values().removeIf(Map::isEmpty);
        }
    }
}
