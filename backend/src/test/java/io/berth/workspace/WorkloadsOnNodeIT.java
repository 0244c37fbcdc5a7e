package io.berth.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.berth.Tenant;
import io.berth.testing.DemoPods;
import io.berth.testing.Kube;
import io.berth.testing.Kubectl;
import io.berth.testing.Nodes;
import io.berth.testing.RealStackResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * What a workspace's limits and rights mean on a real node: the quota refuses pods past it (the ReplicaSet says so in
 * its events, and no extra pod runs), the LimitRange's defaults are the pod's real cgroup limits, and logs, exec and
 * port-forward reach the kubelet for the workspace's members and are refused for anyone else.
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkloadsOnNodeIT {

    Tenant carol;
    Tenant dave;
    String ns;
    Kubectl kubectl;
    DemoPods pods;
    DemoPods.Pod web;

    @BeforeAll
    void aWorkspaceWithAWebPod() {
        carol = Tenant.signUp("node-carol");
        dave = Tenant.signUp("node-dave");
        ns = carol.personalNamespace();
        kubectl = carol.kubectl();
        pods = new DemoPods(kubectl, ns);
        web = pods.run("web", DemoPods.WEB_IMAGE, null, null);
    }

    @Test
    void aDeploymentScaledPastTheQuotaGetsTheQuotasRefusalAndNoExtraPod() {
        // The free plan: 2 CPUs of requests in all; 500m each leaves room for four (the web pod asks the default 100m).
        Kubectl.Result r = kubectl.apply("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: wide}
                spec:
                  replicas: 6
                  selector: {matchLabels: {app: wide}}
                  template:
                    metadata: {labels: {app: wide}}
                    spec:
                      terminationGracePeriodSeconds: 1
                      containers:
                      - name: web
                        image: %s
                        resources: {requests: {cpu: 450m}, limits: {cpu: 450m}}
                """.formatted(DemoPods.WEB_IMAGE));
        assertThat(r.ok()).as(r.output()).isTrue();
        await(() -> runningPods("app=wide") == 4 && events().contains("exceeded quota: berth-quota"),
                "four pods Running and the quota's refusal in the events");
        Tenant.sleep(5000);
        assertThat(runningPods("app=wide")).as("still four: the quota holds").isEqualTo(4);
        assertThat(Kube.admin().pods().inNamespace(ns).withLabel("app", "wide").list().getItems()).hasSize(4);
        assertThat(events()).contains("FailedCreate").contains("requests.cpu");
        kubectl.run("delete", "deployment", "wide", "--wait=true");
    }

    @Test
    void theLimitRangeDefaultsAreThePodsRealCgroupLimits() throws IOException {
        Pod pod = Kube.admin().pods().inNamespace(ns).withName("web").get();
        var resources = pod.getSpec().getContainers().get(0).getResources();
        // The free plan's defaults: requests 100m / 128 MiB, limits 500m / 512 MiB.
        assertThat(resources.getRequests().get("cpu").toString()).isEqualTo("100m");
        assertThat(resources.getLimits().get("memory").toString()).isEqualTo("512Mi");
        String qos = pod.getStatus().getQosClass();
        String node = pod.getSpec().getNodeName();
        assertThat(Files.readString(Nodes.podCgroup(node, "memory", qos, web.uid()).resolve("memory.limit_in_bytes"))
                .strip()).isEqualTo(Long.toString(512L << 20));
        assertThat(Files.readString(Nodes.podCgroup(node, "cpu", qos, web.uid()).resolve("cpu.cfs_quota_us"))
                .strip()).as("500m of a 100 ms period").isEqualTo("50000");
        assertThat(Files.readString(Nodes.podCgroup(node, "cpu", qos, web.uid()).resolve("cpu.shares")).strip())
                .as("100m").isEqualTo("102");
    }

    @Test
    void logsExecAndPortForwardWorkInOnesOwnWorkspaceAndAreRefusedInAnothers() throws Exception {
        assertThat(kubectl.run("logs", "web").stdout()).contains("listening on :8080");
        assertThat(kubectl.stream(Duration.ofSeconds(30), "exec", "web", "--", "/berth-demo", "lookup",
                "kubernetes.default.svc.cluster.local").stdout()).contains("addresses");
        assertThat(portForwardedStatus(kubectl, ns)).isEqualTo(200);

        // Another user's kubeconfig: the API server refuses before any request reaches the kubelet.
        Kubectl other = dave.kubectl();
        String refused = "is forbidden: User \"system:serviceaccount:berth-users:";
        String there = "in the namespace \"" + ns + "\"";
        Kubectl.Result logs = other.run("-n", ns, "logs", "web");
        assertThat(logs.ok()).isFalse();
        assertThat(logs.stderr()).contains(refused).contains(there);
        Kubectl.Result exec = other.stream(Duration.ofSeconds(30), "-n", ns, "exec", "web", "--", "/berth-demo",
                "lookup", "kubernetes");
        assertThat(exec.ok()).isFalse();
        assertThat(exec.stderr()).contains(refused).contains(there);
        Kubectl.Result forward = other.stream(Duration.ofSeconds(30), "-n", ns, "port-forward", "pod/web",
                freePort() + ":8080");
        assertThat(forward.ok()).isFalse();
        assertThat(forward.stderr()).contains(refused).contains(there);
    }

    /** kubectl port-forward to the web pod, and an HTTP request through it from the host. */
    private static int portForwardedStatus(Kubectl kubectl, String ns) throws Exception {
        int port = freePort();
        Process forward = kubectl.background("-n", ns, "port-forward", "pod/web", port + ":8080");
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (true) {
                try {
                    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
                            HttpResponse.BodyHandlers.ofString()).statusCode();
                } catch (IOException e) {
                    if (System.nanoTime() > deadline) {
                        throw e;
                    }
                    Tenant.sleep(200);
                }
            }
        } finally {
            forward.destroy();
            forward.waitFor(5, TimeUnit.SECONDS);
        }
    }

    private long runningPods(String selector) {
        return Kube.admin().pods().inNamespace(ns).withLabelSelector(selector).list().getItems().stream()
                .filter(p -> "Running".equals(p.getStatus().getPhase())).count();
    }

    private String events() {
        return kubectl.run("get", "events", "--field-selector", "involvedObject.kind=ReplicaSet", "-o",
                "custom-columns=REASON:.reason,MESSAGE:.message").stdout();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 90 s: " + what);
            }
            Tenant.sleep(500);
        }
    }
}
