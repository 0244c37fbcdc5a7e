package io.berth.agent.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Deltas between readings of the gateway's counters, across resets, restarts and agent restarts. */
class EdgeTracksTest {

    static final String SVC = "ws-aaaaaaaaaa-web-80@kubernetes";
    static final String OTHER = "ws-bbbbbbbbbb-api-http-8080@kubernetesgateway";
    static final String OK = "code=200,method=GET,protocol=http";
    static final String POST = "code=201,method=POST,protocol=http";

    /** A scrape: start time and, per service, one series per (key, in, out) triple. */
    static PromText.Scrape scrape(long start, Object... serviceKeyInOut) {
        Map<String, Map<String, Bytes>> services = new LinkedHashMap<>();
        for (int i = 0; i < serviceKeyInOut.length; i += 4) {
            services.computeIfAbsent((String) serviceKeyInOut[i], s -> new LinkedHashMap<>()).put(
                    (String) serviceKeyInOut[i + 1], new Bytes(((Number) serviceKeyInOut[i + 2]).longValue(),
                            ((Number) serviceKeyInOut[i + 3]).longValue()));
        }
        return new PromText.Scrape(start, services);
    }

    static Map<String, Bytes> moved(EdgeTracks t) {
        List<EdgeTracks.Movement> m = t.movements();
        assertThat(m).hasSize(1);
        return m.get(0).perService();
    }

    @Test
    void aGatewayNewToMeteringCountsFromZeroAndTheNextWindowOnlyWhatMovedSince() {
        EdgeTracks t = new EdgeTracks(Map.of());
        t.add("gw", "berth-system", "berth-gateway-x", true);
        t.observe("gw", scrape(1000, SVC, OK, 100, 5000, SVC, POST, 7, 9));
        assertThat(moved(t)).containsExactly(Map.entry(SVC, new Bytes(107, 5009)));
        t.committed();
        t.observe("gw", scrape(1000, SVC, OK, 150, 8000, SVC, POST, 7, 9));
        assertThat(moved(t)).containsExactly(Map.entry(SVC, new Bytes(50, 3000)));
        // movements() changes nothing: asked again (a failed spool commit), the same answer
        assertThat(moved(t)).containsExactly(Map.entry(SVC, new Bytes(50, 3000)));
    }

    @Test
    void aGatewayThatRanBeforeMeteringTakesItsFirstReadingAsTheBaseline() {
        EdgeTracks t = new EdgeTracks(Map.of());
        t.add("gw", "berth-system", "gw", false);
        assertThat(t.movements()).isEmpty();
        t.observe("gw", scrape(1000, SVC, OK, 1_000_000, 9_000_000));
        assertThat(moved(t)).isEmpty();
        t.committed();
        t.observe("gw", scrape(1000, SVC, OK, 1_000_010, 9_000_020));
        assertThat(moved(t)).containsExactly(Map.entry(SVC, new Bytes(10, 20)));
    }

    @Test
    void aRestartedGatewayCountsWhatItHadBeforeAndEverythingSince() {
        EdgeTracks t = new EdgeTracks(Map.of());
        t.add("gw", "berth-system", "gw", true);
        t.observe("gw", scrape(1000, SVC, OK, 100, 1000));
        t.committed();
        t.observe("gw", scrape(1000, SVC, OK, 300, 4000)); // +200, +3000 before the restart
        // Restarted (new start time): the counters begin again at 0, and already exceed the old values; only the
        // start time tells.
        t.observe("gw", scrape(2000, SVC, OK, 500, 6000));
        assertThat(moved(t)).containsExactly(Map.entry(SVC, new Bytes(700, 9000)));
        t.committed();
        t.observe("gw", scrape(2000, SVC, OK, 510, 6100));
        assertThat(moved(t)).containsExactly(Map.entry(SVC, new Bytes(10, 100)));
    }

    @Test
    void aCounterThatWentDownWasResetEvenWithoutAStartTime() {
        EdgeTracks t = new EdgeTracks(Map.of());
        t.add("gw", "berth-system", "gw", true);
        t.observe("gw", scrape(0, SVC, OK, 100, 1000));
        t.committed();
        t.observe("gw", scrape(0, SVC, OK, 40, 1500)); // in went down (reset), out did not
        assertThat(moved(t)).containsExactly(Map.entry(SVC, new Bytes(40, 500)));
    }

    @Test
    void aRestartAfterTheAgentRestartedCountsFromTheCommittedCounters() {
        Map<String, GatewayCounters> committed = Map.of("gw", new GatewayCounters("berth-system", "gw", 1000,
                Map.of(SVC, Map.of(OK, new Bytes(100, 1000)))));
        EdgeTracks t = new EdgeTracks(committed);
        assertThat(t.knows("gw")).isTrue();
        t.observe("gw", scrape(1000, SVC, OK, 180, 1900));
        assertThat(moved(t)).containsExactly(Map.entry(SVC, new Bytes(80, 900)));
        assertThat(t.movements().get(0).next()).isEqualTo(new GatewayCounters("berth-system", "gw", 1000,
                Map.of(SVC, Map.of(OK, new Bytes(180, 1900)))));

        // Agent killed before committing that: it starts from the same counters; the gateway restarted meanwhile.
        EdgeTracks again = new EdgeTracks(committed);
        again.observe("gw", scrape(5000, SVC, OK, 30, 200));
        assertThat(moved(again)).containsExactly(Map.entry(SVC, new Bytes(30, 200)));
    }

    @Test
    void aRemovedServiceKeepsWhatItCountedAndComesBackFromZero() {
        EdgeTracks t = new EdgeTracks(Map.of());
        t.add("gw", "berth-system", "gw", true);
        t.observe("gw", scrape(1000, SVC, OK, 100, 1000, OTHER, OK, 1, 2));
        t.committed();
        t.observe("gw", scrape(1000, SVC, OK, 120, 1100, OTHER, OK, 1, 2));
        t.observe("gw", scrape(1000, OTHER, OK, 1, 2)); // SVC's route deleted: Traefik dropped its series
        assertThat(moved(t)).containsExactly(Map.entry(SVC, new Bytes(20, 100)));
        assertThat(t.movements().get(0).next().services()).containsOnlyKeys(OTHER);
        t.committed();
        t.observe("gw", scrape(1000, SVC, OK, 5, 50, OTHER, OK, 1, 2)); // re-created
        assertThat(moved(t)).containsExactly(Map.entry(SVC, new Bytes(5, 50)));
    }

    @Test
    void aGatewayPodGoneFromTheNodeGetsItsLastCountsThenIsForgotten() {
        EdgeTracks t = new EdgeTracks(Map.of());
        t.add("gw", "berth-system", "gw", true);
        t.observe("gw", scrape(1000, SVC, OK, 100, 1000));
        t.committed();
        t.observe("gw", scrape(1000, SVC, OK, 110, 1010));
        t.gone("gw");
        EdgeTracks.Movement m = t.movements().get(0);
        assertThat(m.perService()).containsExactly(Map.entry(SVC, new Bytes(10, 10)));
        assertThat(m.next()).isNull();
        t.committed();
        assertThat(t.movements()).isEmpty();
        assertThat(t.knows("gw")).isFalse();
    }

    @Test
    void aFailedReadChangesNothingAndTheNextReadCountsTheWholeMovement() {
        EdgeTracks t = new EdgeTracks(Map.of());
        t.add("gw", "berth-system", "gw", true);
        t.observe("gw", scrape(1000, SVC, OK, 100, 1000));
        t.committed();
        // no observe in this window (the scrape failed)
        assertThat(moved(t)).isEmpty();
        t.committed();
        t.observe("gw", scrape(1000, SVC, OK, 400, 4000));
        assertThat(moved(t)).containsExactly(Map.entry(SVC, new Bytes(300, 3000)));
    }
}
