package io.berth.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.berth.testing.DemoPods;
import io.berth.testing.Keycloak;
import io.berth.testing.Kube;
import io.berth.testing.Nodes;
import io.berth.testing.RealStack;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

/**
 * Pods on a real node of the stack:
 * <ol>
 * <li>{@code pods N}: the time from a pod's create call to the API reporting it Running, N pods one at a time, in a
 * Berth workspace (created through the API, with its quota, limit range, policies and admission policies; the pod
 * created with the tenant's own credentials) and in a plain namespace on the same node, in turns, so both see the
 * same machine, each watched by the same observer; and three sides that split the difference (see {@code pods});</li>
 * <li>{@code agent N}: the metering agent's (DaemonSet pod's) CPU and resident memory on a node with N more real
 * pods, beside the same figures with none, measured in the same run.</li>
 * </ol>
 * The stack (backend and agent) must run; see bench/nodes.sh.
 */
public final class NodeBench {

    public static void main(String[] args) throws Exception {
        String what = args.length > 0 ? args[0] : "pods";
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        if (what.equals("pods")) {
            pods(n);
        } else {
            agent(n, args.length > 2 ? Integer.parseInt(args[2]) : 180);
        }
    }

    static void pods(int count) throws Exception {
        Keycloak.TestUser user = Keycloak.createUser("nodebench-" + Long.toString(System.currentTimeMillis(), 36));
        Http api = new Http(RealStack.get("BERTH_URL"), user.token());
        api.get("/api/v1/me");
        String workspace = null;
        for (int i = 0; i < 600 && workspace == null; i++) {
            var list = api.get("/api/v1/workspaces").json();
            if (list.size() > 0 && list.get(0).get("status").asText().equals("ready")) {
                workspace = list.get(0).get("namespace").asText();
            } else {
                Thread.sleep(100);
            }
        }
        KubernetesClient tenant = Kube.fromKubeconfigText(api.get("/api/v1/me/kubeconfig").body());
        String plain = plainNamespace("podbench");
        KubernetesClient admin = Kube.admin();
        String node = Nodes.name(1);
        for (int i = 0; i < 5; i++) {
            startPod(tenant, admin, workspace, "warm-" + i, plainSpec(node));
            startPod(admin, admin, plain, "warm-" + i, plainSpec(node));
        }
        // Every side's pod is created as a user would (the tenant with its kubeconfig) and watched by the same observer
        // (the admin's client), so that the sides differ only in what they measure. Three more sides tell apart what a
        // workspace pod pays for: the pod as the workspace's admission left it (security contexts, resources) created
        // in the plain namespace; the plain pod in a namespace holding copies of the workspace's NetworkPolicies; and
        // the workspace's pod watched by the tenant's own client (what `kubectl get -w` with the kubeconfig sees).
        PodSpec admitted = asAdmitted(admin.pods().inNamespace(workspace).withName("warm-0").get().getSpec());
        String withPolicies = plainNamespace("podbench-pol");
        for (NetworkPolicy policy : admin.network().networkPolicies().inNamespace(workspace).list().getItems()) {
            admin.network().networkPolicies().inNamespace(withPolicies).resource(new NetworkPolicyBuilder()
                    .withNewMetadata().withName(policy.getMetadata().getName()).endMetadata()
                    .withSpec(policy.getSpec()).build()).create();
        }
        PodSpec plainSpec = plainSpec(node);
        List<Side> sides = List.of(new Side("Berth workspace", tenant, admin, workspace, plainSpec),
                new Side("plain namespace", admin, admin, plain, plainSpec),
                new Side("plain, ws's spec", admin, admin, plain, admitted),
                new Side("plain, ws's netpol", admin, admin, withPolicies, plainSpec),
                new Side("ws, tenant's watch", tenant, tenant, workspace, plainSpec));
        for (int i = 0; i < count; i++) {
            // The first pod of a round starts while the node tears down the last round's pods: each side takes
            // its turn at being first.
            for (int j = 0; j < sides.size(); j++) {
                int k = (i + j) % sides.size();
                Side side = sides.get(k);
                side.starts.add(startPod(side.creator, side.observer, side.namespace, "p" + k + "-" + i, side.spec));
            }
            // Keep the node's pod count steady: every pod is deleted once measured.
            for (int k = 0; k < sides.size(); k++) {
                Side side = sides.get(k);
                side.creator.pods().inNamespace(side.namespace).withName("p" + k + "-" + i).withGracePeriod(0)
                        .delete();
            }
        }
        tenant.pods().inNamespace(workspace).delete();
        admin.namespaces().withName(plain).delete();
        admin.namespaces().withName(withPolicies).delete();
        System.out.printf(Locale.ROOT, "# pod create -> Running on %s, %d pods each, one at a time, in turns%n",
                node, count);
        // Where the time goes: the create call (authentication, admission, the etcd writes) and the rest
        // (scheduler, kubelet, sandbox, CNI, image pull, container start, the status write).
        for (Side side : sides) {
            report(side.name, side.starts.total);
            report("  create call", side.starts.admission);
            report("  the rest", side.starts.rest);
        }
        List<Long> inWorkspace = sides.get(0).starts.total;
        List<Long> inPlain = sides.get(1).starts.total;
        System.out.printf(Locale.ROOT, "ratio workspace/plain: p50 %.2f, p99 %.2f%n",
                (double) pct(inWorkspace, 50) / pct(inPlain, 50), (double) pct(inWorkspace, 99) / pct(inPlain, 99));
    }

    record Side(String name, KubernetesClient creator, KubernetesClient observer, String namespace, PodSpec spec,
            Starts starts) {
        Side(String name, KubernetesClient creator, KubernetesClient observer, String namespace, PodSpec spec) {
            this(name, creator, observer, namespace, spec, new Starts());
        }
    }

    /** Each pod's time from the create call to Running, and its two parts. */
    record Start(long admissionNanos, long totalNanos) {
    }

    static final class Starts {
        final List<Long> total = new ArrayList<>();
        final List<Long> admission = new ArrayList<>();
        final List<Long> rest = new ArrayList<>();

        void add(Start s) {
            total.add(s.totalNanos());
            admission.add(s.admissionNanos());
            rest.add(s.totalNanos() - s.admissionNanos());
        }
    }

    /**
     * A client pod pinned to the node, pulled Always: workspaces mutate every pod to it (a shared node must not serve
     * one tenant's cached image to another), so the plain namespace pays the same registry round trip.
     */
    private static PodSpec plainSpec(String node) {
        return new PodSpecBuilder().withTerminationGracePeriodSeconds(0L)
                .addToNodeSelector("kubernetes.io/hostname", node).addNewContainer().withName("main")
                .withImage(DemoPods.CLIENT_IMAGE).withImagePullPolicy("Always").endContainer().build();
    }

    /** Creates the pod and returns the nanoseconds until the observer's watch sees it Running. */
    private static Start startPod(KubernetesClient creator, KubernetesClient observer, String namespace, String name,
            PodSpec spec) {
        Pod pod = new PodBuilder().withNewMetadata().withName(name).endMetadata().withSpec(spec).build();
        long start = System.nanoTime();
        creator.pods().inNamespace(namespace).resource(pod).create();
        long created = System.nanoTime();
        observer.pods().inNamespace(namespace).withName(name).waitUntilCondition(
                p -> p != null && p.getStatus() != null && "Running".equals(p.getStatus().getPhase()), 120,
                TimeUnit.SECONDS);
        return new Start(created - start, System.nanoTime() - start);
    }

    /** The admitted spec less what the API server filled in for that namespace (the node, the token volume). */
    private static PodSpec asAdmitted(PodSpec admitted) {
        PodSpec spec = new PodSpecBuilder(admitted).withNodeName(null).withServiceAccountName(null)
                .withServiceAccount(null).build();
        String token = spec.getVolumes().stream().map(v -> v.getName()).filter(n -> n.startsWith("kube-api-access-"))
                .findFirst().orElse(null);
        spec.getVolumes().removeIf(v -> v.getName().equals(token));
        spec.getContainers().forEach(c -> c.getVolumeMounts().removeIf(m -> m.getName().equals(token)));
        return spec;
    }

    static void agent(int count, int seconds) throws Exception {
        String node = Nodes.name(1);
        Pod agentPod = Kube.admin().pods().inNamespace("berth-metering").withField("spec.nodeName", node).list()
                .getItems().get(0);
        Footprint idle = footprint(agentPod, node, seconds);
        String ns = plainNamespace("agentbench");
        KubernetesClient admin = Kube.admin();
        for (int i = 0; i < count; i++) {
            admin.pods().inNamespace(ns).resource(new PodBuilder().withNewMetadata().withName("p-" + i).endMetadata()
                    .withNewSpec().withTerminationGracePeriodSeconds(0L).addToNodeSelector("kubernetes.io/hostname",
                            node)
                    .addNewContainer().withName("main").withImage(DemoPods.CLIENT_IMAGE)
                    .withImagePullPolicy("IfNotPresent").endContainer().endSpec().build()).create();
        }
        for (int i = 0; i < count; i++) {
            admin.pods().inNamespace(ns).withName("p-" + i).waitUntilCondition(
                    p -> p != null && "Running".equals(p.getStatus().getPhase()), 300, TimeUnit.SECONDS);
        }
        // Every pod attached and metered for a few windows before the measurement.
        Thread.sleep(120_000);
        Footprint busy = footprint(agentPod, node, seconds);
        admin.namespaces().withName(ns).delete();
        System.out.printf(Locale.ROOT, "# metering agent on %s over %d s (60 s windows, 10 s reads)%n", node, seconds);
        System.out.printf(Locale.ROOT, "no test pods:  %.1f millicores, VmRSS %d MiB%n", idle.millicores, idle.rssMib);
        System.out.printf(Locale.ROOT, "%d real pods: %.1f millicores, VmRSS %d MiB%n", count, busy.millicores,
                busy.rssMib);
    }

    record Footprint(double millicores, long rssMib) {
    }

    /** CPU of the agent pod's cgroup over {@code seconds}, and the largest RSS of its java process meanwhile. */
    private static Footprint footprint(Pod agent, String node, int seconds) throws Exception {
        String uid = agent.getMetadata().getUid();
        String qos = agent.getStatus().getQosClass();
        long pid = javaPid(Nodes.podCgroup(node, "cpuacct", qos, uid));
        long cpu0 = Nodes.cpuNanos(node, qos, uid);
        long t0 = System.nanoTime();
        long rss = 0;
        while (System.nanoTime() - t0 < seconds * 1_000_000_000L) {
            rss = Math.max(rss, rssKib(pid));
            Thread.sleep(1000);
        }
        double millicores = (Nodes.cpuNanos(node, qos, uid) - cpu0) * 1000.0 / (System.nanoTime() - t0);
        return new Footprint(millicores, rss / 1024);
    }

    private static long javaPid(Path podCgroup) throws Exception {
        try (var files = Files.walk(podCgroup)) {
            for (Path procs : (Iterable<Path>) files
                    .filter(p -> p.getFileName().toString().equals("cgroup.procs"))::iterator) {
                for (String pid : Files.readAllLines(procs)) {
                    if (!pid.isBlank() && Files.readString(Path.of("/proc", pid.strip(), "comm")).strip()
                            .equals("java")) {
                        return Long.parseLong(pid.strip());
                    }
                }
            }
        }
        throw new IllegalStateException("no java process in " + podCgroup);
    }

    private static long rssKib(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return 0;
    }

    private static String plainNamespace(String prefix) {
        String ns = prefix + "-" + Long.toString(System.currentTimeMillis() % 1_000_000L, 36);
        Kube.admin().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                .create();
        return ns;
    }

    private static void report(String what, List<Long> nanos) {
        System.out.printf(Locale.ROOT, "%-16s p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms%n", what,
                pct(nanos, 50) / 1e6, pct(nanos, 90) / 1e6, pct(nanos, 99) / 1e6, Collections.max(nanos) / 1e6);
    }

    private static long pct(List<Long> values, int p) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }
}
