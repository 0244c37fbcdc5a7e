package io.berth.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Real pods of the stack's demo images (berth/web, berth/client: dev/images/demo) on the real nodes, made and driven
 * with real kubectl under whatever identity the given kubeconfig holds: a tenant's, or the admin's. Every command of
 * the demo program prints one JSON line with what it did, which is what tests compare the platform's numbers with.
 */
public final class DemoPods {

    public static final String WEB_IMAGE = "berth/web:0.1.0";
    public static final String CLIENT_IMAGE = "berth/client:0.1.0";

    /** The demo web app as tenants deploy it: a Deployment {@code web} (pods labelled app=web) and its Service :80. */
    public static String webApp(int replicas) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  replicas: %d
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      terminationGracePeriodSeconds: 1
                      containers: [{name: web, image: %s, ports: [{containerPort: 8080}]}]
                ---
                apiVersion: v1
                kind: Service
                metadata: {name: web}
                spec:
                  selector: {app: web}
                  ports: [{port: 80, targetPort: 8080}]
                """.formatted(replicas, WEB_IMAGE);
    }
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Kubectl kubectl;
    private final String namespace;

    public DemoPods(Kubectl kubectl, String namespace) {
        this.kubectl = kubectl;
        this.namespace = namespace;
    }

    /** A pod as the API reports it once it runs. */
    public record Pod(String name, String namespace, String uid, String ip, String node, String qos) {
    }

    /**
     * A pod with one container {@code main} of {@code image} running {@code args} (the image's own command when
     * empty), on {@code node} when given; {@code resources} is a YAML flow map or null.
     */
    public Pod run(String name, String image, String node, String resources, String... args) {
        StringBuilder yaml = new StringBuilder();
        yaml.append("apiVersion: v1\nkind: Pod\nmetadata:\n  name: ").append(name).append("\n  namespace: ")
                .append(namespace).append("\n  labels: {app: ").append(name).append("}\nspec:\n")
                .append("  terminationGracePeriodSeconds: 1\n");
        if (node != null) {
            yaml.append("  nodeSelector: {kubernetes.io/hostname: ").append(node).append("}\n");
        }
        yaml.append("  containers:\n  - name: main\n    image: ").append(image)
                .append("\n    imagePullPolicy: IfNotPresent\n");
        if (args.length > 0) {
            yaml.append("    args: [");
            for (int i = 0; i < args.length; i++) {
                yaml.append(i > 0 ? ", " : "").append('"').append(args[i].replace("\"", "\\\"")).append('"');
            }
            yaml.append("]\n");
        }
        if (resources != null) {
            yaml.append("    resources: ").append(resources).append("\n");
        }
        return create(name, yaml.toString());
    }

    /** Applies a pod manifest and waits until the pod runs. */
    public Pod create(String name, String manifest) {
        Kubectl.Result r = kubectl.apply(manifest);
        if (!r.ok()) {
            throw new IllegalStateException("creating pod " + name + " failed: " + r.output());
        }
        return await(name, Duration.ofSeconds(90));
    }

    /** Waits until a pod of this namespace is Running with an address. */
    public Pod await(String name, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            Kubectl.Result r = kubectl.run("-n", namespace, "get", "pod", name, "-o", "json");
            if (r.ok()) {
                JsonNode pod = json(r.stdout());
                last = pod.path("status").toString();
                if ("Running".equals(pod.path("status").path("phase").asText())
                        && !pod.path("status").path("podIP").asText().isEmpty()) {
                    return new Pod(name, namespace, pod.path("metadata").path("uid").asText(),
                            pod.path("status").path("podIP").asText(), pod.path("spec").path("nodeName").asText(),
                            pod.path("status").path("qosClass").asText());
                }
            }
            sleep(250);
        }
        throw new IllegalStateException("pod " + namespace + "/" + name + " did not run within " + timeout + ": "
                + last);
    }

    /**
     * Waits until the metering agent's filters are on the pod's eth0 ({@link Nodes#meterAttached}): what a pod sends
     * before that is not counted, so a test that meters a known payload sends it after this.
     */
    public static void awaitMetered(Pod pod, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Nodes.meterAttached(pod.node(), pod.qos(), pod.uid())) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the metering agent did not attach to pod " + pod.namespace() + "/"
                        + pod.name() + " within " + timeout);
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** Runs the demo program in the pod's first container and returns the last JSON line it printed. */
    public JsonNode exec(Pod pod, String... demoArgs) {
        return execIn(pod, null, demoArgs);
    }

    /** Runs the demo program in one container of the pod and returns the last JSON line it printed. */
    public JsonNode execIn(Pod pod, String container, String... demoArgs) {
        Kubectl.Result r = execRaw(pod, container, Duration.ofMinutes(5), demoArgs);
        if (!r.ok()) {
            throw new IllegalStateException("berth-demo " + String.join(" ", demoArgs) + " in " + pod.name()
                    + " failed: " + r.output());
        }
        return lastJson(r, demoArgs);
    }

    /** The last JSON line the demo program printed. */
    private static JsonNode lastJson(Kubectl.Result r, String... demoArgs) {
        List<String> lines = r.stdout().lines().filter(l -> l.startsWith("{")).toList();
        if (lines.isEmpty()) {
            throw new IllegalStateException("berth-demo " + String.join(" ", demoArgs) + " printed no JSON: "
                    + r.output());
        }
        return json(lines.get(lines.size() - 1));
    }

    public Kubectl.Result execRaw(Pod pod, Duration timeout, String... demoArgs) {
        return execRaw(pod, null, timeout, demoArgs);
    }

    public Kubectl.Result execRaw(Pod pod, String container, Duration timeout, String... demoArgs) {
        List<String> args = new java.util.ArrayList<>(List.of("-n", pod.namespace(), "exec", pod.name()));
        if (container != null) {
            args.addAll(List.of("-c", container));
        }
        args.addAll(List.of("--", "/berth-demo"));
        args.addAll(List.of(demoArgs));
        return kubectl.stream(timeout, args.toArray(String[]::new));
    }

    /**
     * The IP-layer bytes the server side of a {@code fetch} sent on the wire, retransmissions included: the demo
     * server's tcp_info of that connection as it closed (after the client's FIN, so every byte was acknowledged),
     * asked by the client pod from each of the servers it may have reached ({@code host:port}, e.g. a Service's
     * pods), found by the fetch's id whatever address translation lay between.
     */
    public long wireBytesServed(Pod client, JsonNode fetch, List<String> servers) {
        String id = fetch.get("id").asText();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            for (String server : servers) {
                String[] query = {"fetch", "-body", "http://" + server + "/conn/" + id};
                Kubectl.Result r = execRaw(client, Duration.ofSeconds(30), query);
                if (r.ok()) {
                    JsonNode served = json(lastJson(r, query).get("body").asText());
                    return served.get("bytes_sent").asLong() + served.get("segs_out").asLong() * headerBytes(served);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no server of " + servers + " knows the connection of " + fetch);
            }
            sleep(250);
        }
    }

    /** The IP-layer bytes that the connection of a {@code tcp-send} report sent, retransmissions included. */
    public static long wireBytesSent(JsonNode report) {
        JsonNode tcp = tcpInfo(report);
        return tcp.get("bytes_sent").asLong() + tcp.get("segs_out").asLong() * headerBytes(tcp);
    }

    private static JsonNode tcpInfo(JsonNode report) {
        JsonNode tcp = report.get("tcp");
        if (tcp == null || !tcp.isObject()) {
            throw new IllegalStateException("the report has no tcp_info: " + report);
        }
        return tcp;
    }

    /** IPv4 and TCP headers of a data segment; the timestamp option adds 12 bytes to each. */
    private static long headerBytes(JsonNode tcp) {
        return 20 + 20 + (tcp.get("timestamps").asBoolean() ? 12 : 0);
    }

    /** Whether a TCP connection from the pod opens: "open", "refused", "timeout" or "error". */
    public String connect(Pod from, String hostPort) {
        Kubectl.Result r = execRaw(from, Duration.ofSeconds(30), "connect", "-timeout", "3s", hostPort);
        String outcome = r.stdout().strip();
        return outcome.isEmpty() ? "error: " + r.output() : outcome;
    }

    public void delete(String name) {
        kubectl.run("-n", namespace, "delete", "pod", name, "--wait=true", "--grace-period=1");
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
