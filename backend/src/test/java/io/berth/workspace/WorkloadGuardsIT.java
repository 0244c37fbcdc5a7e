package io.berth.workspace;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.berth.Tenant;
import io.berth.testing.DemoPods;
import io.berth.testing.Kube;
import io.berth.testing.Kubectl;
import io.berth.testing.RealStack;
import io.berth.testing.RealStackResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * What a shared node and the cluster's shared ranges must not take from a tenant, on CREATE and on UPDATE (issue 12,
 * items 3 to 5): real kubectl with a tenant's kubeconfig against the real API server and its admission policies, each
 * refusal asserted by its message and followed by a look at the object, which did not change.
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WorkloadGuardsIT {

    Tenant tenant;
    String ns;
    Kubectl kubectl;
    DemoPods pods;
    DemoPods.Pod web;
    String legacyNs;
    String pv;

    @BeforeAll
    void aTenantWithARunningPod() {
        tenant = Tenant.signUp("guards");
        ns = tenant.personalNamespace();
        kubectl = tenant.kubectl();
        pods = new DemoPods(kubectl, ns);
        web = pods.run("web", DemoPods.WEB_IMAGE, null, null);
    }

    @AfterAll
    void cleanUp() {
        if (legacyNs != null) {
            Kube.admin().namespaces().withName(legacyNs).delete();
        }
        if (pv != null) {
            Kube.admin().persistentVolumes().withName(pv).delete();
        }
    }

    // --- images: pulled on every start, from the stack's registry

    @Test
    void everyContainerAndImageVolumePullsAlwaysWhateverThePodAsks() {
        Kubectl.Result r = kubectl.apply("""
                apiVersion: v1
                kind: Pod
                metadata: {name: lazy-puller}
                spec:
                  initContainers:
                  - {name: init, image: berth/client:0.1.0, imagePullPolicy: Never, command: [/berth-demo, version]}
                  containers:
                  - {name: main, image: berth/web:0.1.0, imagePullPolicy: IfNotPresent}
                  volumes:
                  - name: tools
                    image: {reference: berth/client:0.1.0, pullPolicy: IfNotPresent}
                """);
        assertThat(r.ok()).as(r.output()).isTrue();
        assertThat(kubectl.run("get", "pod", "lazy-puller", "-o", "jsonpath={.spec.initContainers[0].imagePullPolicy} "
                + "{.spec.containers[0].imagePullPolicy} {.spec.volumes[?(@.name==\"tools\")].image.pullPolicy}")
                .stdout()).isEqualTo("Always Always Always");
        kubectl.run("delete", "pod", "lazy-puller", "--wait=false");
    }

    @Test
    void aTenantsPodPullsItsImageFromTheStacksRegistryOnStart() {
        // The pod of @BeforeAll runs: its node pulled berth/web:0.1.0 from the registry (Always, so even when cached).
        assertThat(kubectl.run("get", "pod", "web", "-o", "jsonpath={.spec.containers[0].imagePullPolicy}").stdout())
                .isEqualTo("Always");
        String events = kubectl.run("get", "events", "--field-selector", "involvedObject.name=web", "-o",
                "jsonpath={range .items[*]}{.reason}: {.message}{\"\\n\"}{end}").stdout();
        assertThat(events).contains("Pulling: Pulling image \"berth/web:0.1.0\"")
                .contains("Pulled: Successfully pulled image \"berth/web:0.1.0\"");
    }

    @Test
    void anImageTheRegistryDoesNotHoldDoesNotRunEvenIfANodeHadIt() {
        // berth/web:0.1.0 is on the nodes; a tag the registry lacks is not served from any node's cache.
        Kubectl.Result r = kubectl.run("run", "ghost", "--image=berth/web:no-such-tag", "--restart=Never");
        assertThat(r.ok()).as(r.output()).isTrue();
        String reason = "";
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && !reason.matches("ErrImagePull|ImagePullBackOff")) {
            reason = kubectl.run("get", "pod", "ghost", "-o",
                    "jsonpath={.status.containerStatuses[0].state.waiting.reason}").stdout();
            Tenant.sleep(250);
        }
        assertThat(reason).matches("ErrImagePull|ImagePullBackOff");
        kubectl.run("delete", "pod", "ghost", "--wait=false");
    }

    @Test
    void aPodFromBeforeTheGuardCannotSwapInAnImageWithoutPullingIt() {
        // A pod admitted before the platform's policies applied to its namespace (here: a namespace that becomes a
        // workspace's afterwards) keeps IfNotPresent; changing its image (allowed on a running pod) is refused,
        // while an update that leaves the images alone passes.
        legacyNs = "legacy-" + Long.toString(System.nanoTime(), 36);
        Kube.admin().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(legacyNs).endMetadata()
                .build()).create();
        Kubectl admin = adminKubectl();
        assertThat(admin
                .apply("""
                        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "old", "namespace": "%s"},
                         "spec": {"containers": [{"name": "c", "image": "berth/client:0.1.0", "imagePullPolicy": "IfNotPresent"}]}}
                        """
                        .formatted(legacyNs))
                .ok()).isTrue();
        Kube.admin().namespaces().withName(legacyNs)
                .edit(n -> new NamespaceBuilder(n).editMetadata().addToLabels("berth.io/workspace", "true")
                        .endMetadata()
                        .build());

        awaitGuarded(admin, legacyNs);
        assertRefused(admin.run("-n", legacyNs, "set", "image", "pod/old", "c=berth/web:0.1.0"),
                "images are pulled on every start in workspaces (imagePullPolicy Always), not so for c");
        assertThat(admin.run("-n", legacyNs, "get", "pod", "old", "-o", "jsonpath={.spec.containers[0].image}")
                .stdout()).isEqualTo("berth/client:0.1.0");
        assertThat(admin.run("-n", legacyNs, "label", "pod", "old", "touched=yes").ok()).isTrue();
    }

    // --- tolerations: none of every taint, none of the platform's, not even added to a running pod

    @Test
    void blanketAndPlatformTolerationsAreRefused() {
        assertPodRefused("blanket", "\"tolerations\": [{\"operator\": \"Exists\"}]",
                "tolerating every taint, or the platform's and Kubernetes' own taints, is reserved for the platform: "
                        + "operator Exists without a key, i.e. every taint");
        assertPodRefused("no-effect", "\"tolerations\": [{\"operator\": \"Exists\", \"effect\": \"NoSchedule\"}]",
                "operator Exists without a key, i.e. every taint");
        assertPodRefused("control-plane", "\"tolerations\": [{\"key\": \"node-role.kubernetes.io/control-plane\", "
                + "\"operator\": \"Exists\", \"effect\": \"NoSchedule\"}]",
                "reserved for the platform: node-role.kubernetes.io/control-plane");
        assertPodRefused("cordon", "\"tolerations\": [{\"key\": \"node.kubernetes.io/unschedulable\", "
                + "\"operator\": \"Exists\"}]", "reserved for the platform: node.kubernetes.io/unschedulable");
        assertPodRefused("pool", "\"tolerations\": [{\"key\": \"berth.io/pool\", \"operator\": \"Equal\", "
                + "\"value\": \"gpu\", \"effect\": \"NoSchedule\"}]", "reserved for the platform: berth.io/pool");
        assertPodRefused("not-ready-noschedule", "\"tolerations\": [{\"key\": \"node.kubernetes.io/not-ready\", "
                + "\"operator\": \"Exists\", \"effect\": \"NoSchedule\"}]",
                "reserved for the platform: node.kubernetes.io/not-ready");
        assertPodRefused("autoscaler", "\"tolerations\": [{\"key\": \"ToBeDeletedByClusterAutoscaler\", "
                + "\"operator\": \"Exists\"}]", "reserved for the platform: ToBeDeletedByClusterAutoscaler");
    }

    @Test
    void aTenantsOwnTolerationsAndTheDefaultNoExecuteOnesPass() {
        Kubectl.Result r = kubectl
                .apply("""
                        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "tolerant"},
                         "spec": {"tolerations": [
                           {"key": "example.com/dedicated", "operator": "Equal", "value": "me", "effect": "NoSchedule"},
                           {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 30}],
                          "containers": [{"name": "c", "image": "berth/web:0.1.0"}]}}
                        """);
        assertThat(r.ok()).as(r.output()).isTrue();
        kubectl.run("delete", "pod", "tolerant", "--wait=false");
    }

    @Test
    void tolerationsAddedToARunningPodAreJudgedToo() {
        String before = tolerations("web");
        Kubectl.Result blanket = kubectl.run("patch", "pod", "web", "--type=json", "-p",
                "[{\"op\": \"add\", \"path\": \"/spec/tolerations/-\", \"value\": {\"operator\": \"Exists\"}}]");
        assertRefused(blanket, "operator Exists without a key, i.e. every taint");
        Kubectl.Result cordon = kubectl.run("patch", "pod", "web", "--type=json", "-p",
                "[{\"op\": \"add\", \"path\": \"/spec/tolerations/-\", \"value\": {\"key\": "
                        + "\"node.kubernetes.io/unschedulable\", \"operator\": \"Exists\", \"effect\": \"NoSchedule\"}}]");
        assertRefused(cordon, "reserved for the platform: node.kubernetes.io/unschedulable");
        assertThat(tolerations("web")).isEqualTo(before);
        // Updates that add nothing the guard judges still pass on the scheduled pod (it carries a nodeName now).
        assertThat(kubectl.run("label", "pod", "web", "checked=yes").ok()).isTrue();
        Kubectl.Result own = kubectl.run("patch", "pod", "web", "--type=json", "-p",
                "[{\"op\": \"add\", \"path\": \"/spec/tolerations/-\", \"value\": {\"key\": \"example.com/mine\", "
                        + "\"operator\": \"Exists\", \"effect\": \"NoExecute\", \"tolerationSeconds\": 60}}]");
        assertThat(own.ok()).as(own.output()).isTrue();
    }

    // --- volumes and resources a node would serve the pod

    @Test
    void inlineCsiVolumesAreRefused() {
        assertPodRefused("csi",
                "\"volumes\": [{\"name\": \"secrets\", \"csi\": {\"driver\": \"secrets-store.csi.k8s.io\"}}]",
                "inline CSI volumes are not allowed in workspaces (secrets)");
    }

    @Test
    void extendedResourcesThePlanDoesNotBoundAreRefused() {
        assertPodRefused("gpu", null, "{\"limits\": {\"nvidia.com/gpu\": \"1\"}}",
                "this workspace's plan bounds no nvidia.com/gpu (container c); pods may ask for cpu, memory, "
                        + "ephemeral-storage");
        assertPodRefused("hugepages", null, "{\"limits\": {\"hugepages-2Mi\": \"4Mi\", \"memory\": \"64Mi\"}}",
                "this workspace's plan bounds no hugepages-2Mi (container c)");
        assertPodRefused("device", null, "{\"requests\": {\"example.com/fpga\": \"1\"}, \"limits\": "
                + "{\"example.com/fpga\": \"1\"}}", "this workspace's plan bounds no example.com/fpga (container c)");
        assertPodRefused("pod-level", "\"resources\": {\"limits\": {\"hugepages-1Gi\": \"1Gi\", \"memory\": \"2Gi\"}}",
                null, "this workspace's plan bounds no hugepages-1Gi (pod)");
        assertPodRefused("claims", "\"resourceClaims\": [{\"name\": \"gpu\", \"resourceClaimTemplateName\": \"gpu\"}]",
                null, "dynamic resource claims are not allowed in workspaces");
    }

    // --- Services: no chosen cluster IP

    @Test
    void aServiceWithAChosenClusterIpIsRefusedAndTheAddressStaysFree() {
        // An address no Service holds yet (the one a platform Service is meant to get, say): refused after the API
        // server reserved it for the request, and released again.
        String free = "10.96.250." + (10 + (int) (System.nanoTime() % 200));
        assertThat(Kube.admin().resources(io.fabric8.kubernetes.api.model.networking.v1.IPAddress.class).withName(free)
                .get()).as("the address is free").isNull();
        assertRefused(kubectl.run("create", "service", "clusterip", "taken", "--tcp=53", "--clusterip=" + free),
                "Berth: spec.clusterIP may not be chosen in workspaces (asked for " + free + ")");
        assertRefused(kubectl.apply("""
                {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "chosen"},
                 "spec": {"clusterIP": "%1$s", "clusterIPs": ["%1$s"], "ports": [{"port": 80}]}}
                """.formatted(free)), "Berth: spec.clusterIP may not be chosen in workspaces (asked for " + free + ")");
        assertThat(kubectl.run("get", "services", "-o", "name").stdout()).doesNotContain("service/taken")
                .doesNotContain("service/chosen");
        assertThat(Kube.admin().resources(io.fabric8.kubernetes.api.model.networking.v1.IPAddress.class).withName(free)
                .get()).as("the address was released").isNull();
        // The cluster DNS's address is taken: the API server's allocator refuses it before admission does.
        String dnsIp = Kube.admin().services().inNamespace("kube-system").withName("kube-dns").get().getSpec()
                .getClusterIP();
        Kubectl.Result dns = kubectl.run("create", "service", "clusterip", "dns", "--tcp=53", "--clusterip=" + dnsIp);
        assertThat(dns.ok()).isFalse();
        assertThat(dns.stderr()).contains("failed to allocate IP " + dnsIp + ": provided IP is already allocated");
        // Allocated and headless Services are what workspaces use.
        assertThat(kubectl.run("create", "service", "clusterip", "allocated", "--tcp=80").ok()).isTrue();
        assertThat(kubectl.run("create", "service", "clusterip", "headless", "--tcp=80", "--clusterip=None").ok())
                .isTrue();
        assertThat(kubectl.run("get", "service", "headless", "-o", "jsonpath={.spec.clusterIP}").stdout())
                .isEqualTo("None");
    }

    @Test
    void theMarkOfAChosenAddressCannotBeForgedOntoAService() {
        assertThat(kubectl.run("create", "service", "clusterip", "forged", "--tcp=80").ok()).isTrue();
        assertRefused(kubectl.run("annotate", "service", "forged", "berth.io/chosen-cluster-ip=10.96.0.10"),
                "spec.clusterIP may not be chosen in workspaces");
        assertThat(kubectl.run("get", "service", "forged", "-o", "jsonpath={.metadata.annotations}").stdout())
                .doesNotContain("berth.io/chosen-cluster-ip");
    }

    // --- PersistentVolumeClaims: no volume of the tenant's choosing, on CREATE or UPDATE

    @Test
    void aClaimNamingAVolumeOrSelectingOneIsRefused() {
        assertRefused(claim("named", "\"volumeName\": \"someone-elses\""),
                "spec.volumeName may not be set; volumes are provisioned dynamically");
        assertRefused(claim("selected", "\"selector\": {\"matchLabels\": {\"tenant\": \"other\"}}"),
                "spec.selector may not be set; volumes are provisioned dynamically");
        assertRefused(claim("fast", "\"volumeAttributesClassName\": \"fast\""),
                "spec.volumeAttributesClassName may not be set; no plan offers volume attributes classes");
        assertThat(kubectl.run("get", "pvc", "-o", "name").stdout()).doesNotContain("named").doesNotContain("selected")
                .doesNotContain("fast");
    }

    @Test
    void anUnboundClaimCannotBePointedAtAVolumeLater() {
        assertThat(claim("pending", null).ok()).isTrue();
        assertRefused(kubectl.run("patch", "pvc", "pending", "--type=merge", "-p",
                "{\"spec\": {\"volumeName\": \"someone-elses\"}}"),
                "spec.volumeName may not be set; volumes are provisioned dynamically");
        assertThat(kubectl.run("get", "pvc", "pending", "-o", "jsonpath={.spec.volumeName}|{.status.phase}").stdout())
                .isEqualTo("|Pending");
    }

    @Test
    void thePlatformsVolumeBinderStillBindsAndABoundClaimKeepsItsClassOfService() {
        // A volume made for this claim (claimRef): the PersistentVolume controller binds it by setting volumeName,
        // which the guard lets the controller do.
        pv = "guards-" + UUID.randomUUID().toString().substring(0, 8);
        assertThat(claim("bound", null).ok()).isTrue();
        Kube.admin().persistentVolumes().resource(new PersistentVolumeBuilder().withNewMetadata().withName(pv)
                .endMetadata().withNewSpec().withStorageClassName("standard")
                .addToCapacity("storage", new Quantity("1Gi")).withAccessModes("ReadWriteOnce")
                .withPersistentVolumeReclaimPolicy("Delete").withNewHostPath().withPath("/nonexistent/" + pv)
                .endHostPath().withNewClaimRef().withNamespace(ns).withName("bound").endClaimRef().endSpec().build())
                .create();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String phase = "";
        while (System.nanoTime() < deadline && !phase.equals("Bound " + pv)) {
            phase = kubectl.run("get", "pvc", "bound", "-o", "jsonpath={.status.phase} {.spec.volumeName}").stdout();
            Tenant.sleep(500);
        }
        assertThat(phase).isEqualTo("Bound " + pv);
        // A bound claim's volumeAttributesClassName may change (the API allows it): the guard does not.
        assertRefused(kubectl.run("patch", "pvc", "bound", "--type=merge", "-p",
                "{\"spec\": {\"volumeAttributesClassName\": \"fast\"}}"),
                "spec.volumeAttributesClassName may not be set");
        assertThat(kubectl.run("get", "pvc", "bound", "-o", "jsonpath={.spec.volumeAttributesClassName}").stdout())
                .isEmpty();
        assertThat(kubectl.run("label", "pvc", "bound", "checked=yes").ok()).isTrue();
    }

    // --- the registry itself

    @Test
    void podsCannotReachTheRegistry() {
        DemoPods.Pod client = pods.run("registry-probe", DemoPods.CLIENT_IMAGE, null, null);
        // The node guard drops pod traffic to the LAN but for the API server and PostgreSQL: silence, not a refusal.
        assertThat(pods.connect(client, RealStack.get("REGISTRY"))).isEqualTo("timeout");
        pods.delete("registry-probe");
    }

    // --- helpers

    private Kubectl.Result claim(String name, String specExtra) {
        return kubectl.apply("""
                {"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": {"name": "%s"},
                 "spec": {%s"storageClassName": "standard", "accessModes": ["ReadWriteOnce"],
                          "resources": {"requests": {"storage": "1Gi"}}}}
                """.formatted(name, specExtra == null ? "" : specExtra + ", "));
    }

    private String tolerations(String pod) {
        return kubectl.run("get", "pod", pod, "-o", "jsonpath={.spec.tolerations}").stdout();
    }

    private void assertPodRefused(String name, String podSpecExtra, String expected) {
        assertPodRefused(name, podSpecExtra, null, expected);
    }

    private void assertPodRefused(String name, String podSpecExtra, String resources, String expected) {
        String extra = podSpecExtra == null ? "" : podSpecExtra + ", ";
        String res = resources == null ? "" : ", \"resources\": " + resources;
        Kubectl.Result r = kubectl.apply("""
                {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "%s"},
                 "spec": {%s"containers": [{"name": "c", "image": "berth/web:0.1.0"%s}]}}
                """.formatted(name, extra, res));
        assertRefused(r, expected);
        assertThat(kubectl.run("get", "pod", name).stderr()).as("no pod was made").contains("NotFound");
    }

    private static void assertRefused(Kubectl.Result r, String expected) {
        assertThat(r.ok()).as("should have been refused: " + r.output()).isFalse();
        assertThat(r.stderr()).contains("denied request: Berth: ").contains(expected);
    }

    /** Waits until the guards apply to a namespace just labelled a workspace's (the API server's cache catches up). */
    private static void awaitGuarded(Kubectl admin, String namespace) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            Kubectl.Result probe = admin.runWithInput(
                    """
                            {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "probe", "namespace": "%s"},
                             "spec": {"tolerations": [{"operator": "Exists"}], "containers": [{"name": "c", "image": "berth/web:0.1.0"}]}}
                            """
                            .formatted(namespace),
                    "apply", "--dry-run=server", "-f", "-");
            if (!probe.ok() && probe.stderr().contains("Berth: tolerating every taint")) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the guards do not apply to " + namespace + ": " + probe.output());
            }
            Tenant.sleep(200);
        }
    }

    private static Kubectl adminKubectl() {
        try {
            return Kubectl.withKubeconfig(java.nio.file.Files.readString(
                    java.nio.file.Path.of(RealStack.get("ADMIN_KUBECONFIG"))));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
