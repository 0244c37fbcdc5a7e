package io.berth.agent.edge;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.jboss.logging.Logger;

import io.berth.agent.AgentConfig;
import io.berth.agent.pods.PodInfo;
import io.berth.agent.sample.WindowRows;
import io.berth.agent.sink.EdgeSample;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * Edge metering: reads the gateway pod on this node (the Traefik DaemonSet's pod, found among the node's pods by
 * namespace and label) at every read, and at each window close turns what its per-service byte counters moved into
 * rows per workspace namespace. The rows and the counters they end at are committed with the pod samples (one spool
 * segment), so an agent crash or a database outage loses nothing and counts nothing twice, as for the pods.
 */
public class EdgeMeter {

    private static final Logger LOG = Logger.getLogger(EdgeMeter.class);

    /** Reads one gateway pod's metrics page. */
    @FunctionalInterface
    public interface Scraper {
        PromText.Scrape scrape(PodInfo pod) throws IOException, InterruptedException;
    }

    /** What a window close made: rows, and the counters per gateway pod they end at. */
    public record Window(List<EdgeSample> rows, Map<String, GatewayCounters> next) {
    }

    private final String node;
    private final String gatewayNamespace;
    private final String labelKey;
    private final String labelValue;
    private final Set<String> providers;
    private final WorkspaceNamespaces namespaces;
    private final Scraper scraper;
    private final MeterRegistry registry;
    private final EdgeTracks tracks;
    private final Set<String> warnedUnattributed = new HashSet<>();
    private final Set<String> failing = new HashSet<>();

    public EdgeMeter(AgentConfig config, WorkspaceNamespaces namespaces, Map<String, GatewayCounters> committed,
            MeterRegistry registry) {
        this(config.nodeName(), config.edge(), namespaces, committed, httpScraper(config.edge()), registry);
    }

    EdgeMeter(String node, AgentConfig.Edge edge, WorkspaceNamespaces namespaces,
            Map<String, GatewayCounters> committed, Scraper scraper, MeterRegistry registry) {
        this.node = node;
        this.gatewayNamespace = edge.gatewayNamespace();
        int eq = edge.gatewayLabel().indexOf('=');
        this.labelKey = edge.gatewayLabel().substring(0, eq);
        this.labelValue = edge.gatewayLabel().substring(eq + 1);
        this.providers = Set.copyOf(edge.providers());
        this.namespaces = namespaces;
        this.scraper = scraper;
        this.registry = registry;
        this.tracks = new EdgeTracks(committed);
    }

    /** Whether this pod is a gateway: in the gateway's namespace (tenants cannot create pods there) and labelled. */
    boolean isGateway(PodInfo pod) {
        return gatewayNamespace.equals(pod.namespace()) && pod.labels() != null
                && labelValue.equals(pod.labels().get(labelKey));
    }

    /**
     * Reads every gateway pod on the node. A gateway created before {@code countFrom} ran before edge metering began
     * on this node (less the backfill allowance), so its first reading is a baseline, not usage.
     */
    public void read(Map<String, PodInfo> pods, long countFrom) {
        Set<String> present = new HashSet<>();
        for (PodInfo pod : pods.values()) {
            if (!isGateway(pod)) {
                continue;
            }
            present.add(pod.uid());
            if (!tracks.knows(pod.uid())) {
                boolean fromZero = !pod.created().isBefore(Instant.ofEpochMilli(countFrom));
                tracks.add(pod.uid(), pod.namespace(), pod.name(), fromZero);
                LOG.infof("gateway pod on node: %s/%s uid=%s; edge bytes counted %s", pod.namespace(), pod.name(),
                        pod.uid(), fromZero ? "from its start" : "from its first reading");
            }
            if (pod.podIp() == null) {
                continue;
            }
            try {
                tracks.observe(pod.uid(), scraper.scrape(pod));
                if (failing.remove(pod.uid())) {
                    LOG.infof("gateway pod %s/%s readable again", pod.namespace(), pod.name());
                }
            } catch (IOException | RuntimeException e) {
                Counter.builder("berth.agent.edge.scrape.failures").register(registry).increment();
                if (failing.add(pod.uid())) {
                    LOG.warnf("reading the gateway pod %s/%s's metrics failed (%s); its bytes go into a later window",
                            pod.namespace(), pod.name(), e.toString());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        for (String uid : tracks.uids()) {
            if (!present.contains(uid)) {
                tracks.gone(uid);
            }
        }
    }

    /**
     * The rows of the window(s) [from, boundary) and the counters they end at; empty (and the old counters kept) while
     * the workspace namespaces are not listed yet, so nothing is attributed before it can be attributed right.
     */
    public Optional<Window> close(long from, long boundary, long intervalMs, int maxBackfill) {
        if (!namespaces.synced()) {
            return Optional.empty();
        }
        Set<String> known = namespaces.current();
        List<EdgeSample> rows = new ArrayList<>();
        Map<String, GatewayCounters> next = new HashMap<>();
        List<long[]> windows = WindowRows.windows(from, boundary, intervalMs, maxBackfill);
        for (EdgeTracks.Movement m : tracks.movements()) {
            Map<String, Bytes> perNamespace = new HashMap<>();
            m.perService().forEach((svc, b) -> {
                Optional<String> ns = ServiceNames.namespaceOf(svc, providers, known);
                if (ns.isPresent()) {
                    perNamespace.merge(ns.get(), b, Bytes::plus);
                } else {
                    Counter.builder("berth.agent.edge.unattributed.bytes").tag("direction", "in").register(registry)
                            .increment(b.in());
                    Counter.builder("berth.agent.edge.unattributed.bytes").tag("direction", "out").register(registry)
                            .increment(b.out());
                    if (warnedUnattributed.add(svc)) {
                        LOG.warnf("gateway service %s belongs to no workspace namespace; its bytes are not billed",
                                svc);
                    }
                }
            });
            perNamespace.forEach((ns, b) -> {
                long[] in = WindowRows.split(b.in(), windows.size());
                long[] out = WindowRows.split(b.out(), windows.size());
                for (int w = 0; w < windows.size(); w++) {
                    if (in[w] != 0 || out[w] != 0) {
                        rows.add(new EdgeSample(windows.get(w)[0], windows.get(w)[1], node, m.uid(), ns, in[w],
                                out[w]));
                    }
                }
            });
            if (m.next() != null) {
                next.put(m.uid(), m.next());
            }
        }
        return Optional.of(new Window(rows, next));
    }

    /** The window was committed to the spool. */
    public void committed() {
        tracks.committed();
    }

    static Scraper httpScraper(AgentConfig.Edge edge) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(edge.timeout()).build();
        return pod -> {
            String host = pod.podIp().contains(":") ? "[" + pod.podIp() + "]" : pod.podIp();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + host + ":" + edge.metricsPort()
                    + edge.metricsPath())).timeout(edge.timeout())
                    .header("Accept", "text/plain;version=0.0.4").GET().build();
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = response.body();
                    BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
                if (response.statusCode() != 200) {
                    throw new IOException("HTTP " + response.statusCode() + " from " + request.uri());
                }
                return PromText.parse(in);
            }
        };
    }

}
