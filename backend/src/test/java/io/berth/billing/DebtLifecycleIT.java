package io.berth.billing;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.agroal.api.AgroalDataSource;
import io.berth.Tenant;
import io.berth.testing.DemoPods;
import io.berth.testing.Keycloak;
import io.berth.testing.Kube;
import io.berth.testing.Kubectl;
import io.berth.testing.Mailbox;
import io.berth.testing.Nodes;
import io.berth.testing.RealStackResource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResourceManager;
import io.quarkus.test.junit.QuarkusTest;

/**
 * The debt lifecycle on the real control plane and nodes: a workspace whose balance runs out is suspended (workloads
 * at zero, quota zero, and its pods really stopped on the nodes: containers gone with their cgroups), a top-up that
 * lifts the balance above zero resumes it with its replica counts and the pods run again within a minute, a debt is
 * carried (a small top-up does not resume), only what still exists is charged while suspended, and after the grace
 * period workloads and volumes are deleted.
 */
@QuarkusTest
@QuarkusTestResource(value = RealStackResource.class, restrictToAnnotatedClass = false)
class DebtLifecycleIT {

    @Inject
    AgroalDataSource ds;
    @Inject
    DebtLifecycle lifecycle;

    @Test
    void runningOutSuspendsATopUpResumesAndTheGracePeriodEndsInDeletion() throws Exception {
        BillingFixtures f = new BillingFixtures(ds);
        Tenant gus = Tenant.signUp("gus");
        UUID account = UUID.fromString(gus.accountId());
        String wsId = gus.personalWorkspaceId();
        String ns = gus.awaitReady(wsId).getString("namespace");
        var ws = new BillingFixtures.Ws(UUID.fromString(wsId), ns);
        Kubectl kubectl = gus.kubectl();
        Kubectl.Result applied = kubectl.apply("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  replicas: 3
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      terminationGracePeriodSeconds: 1
                      containers: [{name: web, image: %s}]
                ---
                apiVersion: batch/v1
                kind: CronJob
                metadata: {name: nightly}
                spec:
                  schedule: "0 3 * * *"
                  jobTemplate:
                    spec:
                      template:
                        spec: {restartPolicy: Never, containers: [{name: job, image: busybox}]}
                ---
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata: {name: data}
                spec:
                  storageClassName: standard
                  accessModes: [ReadWriteOnce]
                  resources: {requests: {storage: 1Gi}}
                """.formatted(DemoPods.WEB_IMAGE));
        assertThat(applied.ok()).as(applied.output()).isTrue();
        KubernetesClient admin = Kube.admin();
        await(() -> running(admin, ns).size() == 3, "three web pods running on the nodes");
        List<Pod> before = running(admin, ns);

        // Spend the sign-up credit down to 0.10, then an hour of 4 cores and 8 GiB costs more than that.
        adjust(account, -4_900_000, "test: leave ten cents");
        OffsetDateTime hour = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.HOURS).minusHours(8);
        f.podFor(ws, UUID.randomUUID(), hour, 60, 240_000_000, 4000, 8 * BillingFixtures.GIB, 0);
        f.object(ws, UUID.randomUUID(), "pvc", hour, 60, BillingFixtures.GIB);
        f.rate(hour);
        long balance = f.balance(account);
        assertThat(balance).as("4 core-h × 0.03 + 8 GiB-h × 0.004 + 1 GiB-h × 0.0001 − 0.10")
                .isEqualTo(100_000 - 120_000 - 32_000 - 100);

        assertThat(lifecycle.evaluate(account)).isEqualTo(DebtLifecycle.State.suspended);
        await(() -> replicas(admin, ns) == 0 && Boolean.TRUE.equals(admin.batch().v1().cronjobs().inNamespace(ns)
                .withName("nightly").get().getSpec().getSuspend()), "the deployment at zero, the CronJob suspended");
        assertThat(admin.apps().deployments().inNamespace(ns).withName("web").get().getMetadata().getAnnotations())
                .containsEntry("berth.io/replicas-before-suspension", "3");
        assertThat(admin.batch().v1().cronjobs().inNamespace(ns).withName("nightly").get().getSpec().getSuspend())
                .isTrue();
        assertThat(admin.resourceQuotas().inNamespace(ns).withName("berth-quota").get().getSpec().getHard().get("pods")
                .toString()).isEqualTo("0");
        assertThat(gus.workspace(wsId).getBoolean("suspended")).isTrue();
        // The pods really stop: gone from the API, and their containers' cgroups gone from the nodes.
        await(() -> admin.pods().inNamespace(ns).list().getItems().isEmpty(), "the web pods gone");
        for (Pod p : before) {
            assertThat(Nodes.podCgroup(p.getSpec().getNodeName(), "cpuacct", p.getStatus().getQosClass(),
                    p.getMetadata().getUid())).as("cgroup of " + p.getMetadata().getName()).doesNotExist();
        }
        assertThat(kubectl.run("scale", "deployment/web", "--replicas=2").ok()).isTrue();
        Tenant.sleep(500);
        assertThat(admin.pods().inNamespace(ns).list().getItems()).as("quota zero: no pod can start").isEmpty();

        // While suspended no pod runs: only the volume is sampled, and only the volume is charged.
        OffsetDateTime next = hour.plusHours(1);
        f.object(ws, UUID.randomUUID(), "pvc", next, 60, BillingFixtures.GIB);
        f.rate(next);
        assertThat(
                f.scalar("SELECT count(*) FROM rating_line WHERE workspace_id = ? AND hour_start = ?", ws.id(), next))
                .isEqualTo(1);
        assertThat(f.charged(ws, next, "storage")).isEqualTo(100);

        // A top-up that leaves the balance below zero does not resume: the debt is carried.
        topUp(account, 10_000);
        assertThat(lifecycle.evaluate(account)).isEqualTo(DebtLifecycle.State.suspended);
        assertThat(f.balance(account)).isEqualTo(balance - 100 + 10_000);

        long start = System.nanoTime();
        topUp(account, 10_000_000);
        await(() -> replicas(admin, ns) == 3 && Boolean.FALSE.equals(admin.batch().v1().cronjobs().inNamespace(ns)
                .withName("nightly").get().getSpec().getSuspend()), "the deployment at three, the CronJob running");
        await(() -> running(admin, ns).size() == 3, "three web pods running again");
        Duration resumedAfter = Duration.ofNanos(System.nanoTime() - start);
        System.out.println("[debt-it] pods running again " + resumedAfter.toMillis() + " ms after the top-up");
        assertThat(resumedAfter).isLessThan(Duration.ofMinutes(1));
        assertThat(admin.batch().v1().cronjobs().inNamespace(ns).withName("nightly").get().getSpec().getSuspend())
                .isFalse();
        await(() -> "20".equals(admin.resourceQuotas().inNamespace(ns).withName("berth-quota").get().getSpec()
                .getHard().get("pods").toString()), "the quota is the plan's again");
        assertThat(f.balance(account)).isEqualTo(balance - 100 + 10_000 + 10_000_000);

        // Into debt again, and the grace period runs out: workloads and volumes go, the workspace stays.
        adjust(account, -(f.balance(account) + 1), "test: into debt");
        assertThat(lifecycle.evaluate(account)).isEqualTo(DebtLifecycle.State.suspended);
        f.exec("UPDATE account_billing_state SET suspended_at = now() - interval '15 days' WHERE account_id = ?",
                account);
        assertThat(lifecycle.evaluate(account)).isEqualTo(DebtLifecycle.State.terminated);
        await(() -> admin.apps().deployments().inNamespace(ns).list().getItems().isEmpty()
                && admin.persistentVolumeClaims().inNamespace(ns).list().getItems().stream()
                        .allMatch(p -> p.getMetadata().getDeletionTimestamp() != null),
                "workloads and volumes deleted");
        assertThat(admin.namespaces().withName(ns).get()).isNotNull();
        assertThat(f.scalar("SELECT count(*) FROM notice WHERE account_id = ? AND kind IN "
                + "('suspended', 'resumed', 'terminated')", account)).isEqualTo(4);
        // Every notice was mailed, for real, to the account's verified address: the stack's sink holds them.
        assertThat(f.scalar("SELECT count(*) FROM notice WHERE account_id = ? AND kind IN "
                + "('suspended', 'resumed', 'terminated') AND emailed_at IS NOT NULL", account)).isEqualTo(4);
        assertThat(Mailbox.to(gus.user.email())).hasSize(
                (int) f.scalar("SELECT count(*) FROM notice WHERE account_id = ? AND emailed_at IS NOT NULL", account));
    }

    private static List<Pod> running(KubernetesClient admin, String ns) {
        return admin.pods().inNamespace(ns).withLabel("app", "web").list().getItems().stream()
                .filter(p -> "Running".equals(p.getStatus().getPhase())
                        && p.getMetadata().getDeletionTimestamp() == null)
                .toList();
    }

    private static int replicas(KubernetesClient admin, String ns) {
        Integer r = admin.apps().deployments().inNamespace(ns).withName("web").get().getSpec().getReplicas();
        return r == null ? 1 : r;
    }

    private static void adjust(UUID account, long amount, String reason) {
        given().baseUri(TestHTTPResourceManager.getUri()).auth().oauth2(Keycloak.demoAdminToken())
                .contentType("application/json").body(Map.of("amountMicro", amount, "reason", reason))
                .post("/api/v1/admin/accounts/" + account + "/adjustments").then().statusCode(200);
    }

    private static void topUp(UUID account, long amount) {
        String body = "{\"id\":\"evt_" + UUID.randomUUID()
                + "\",\"type\":\"topup.succeeded\",\"data\":{\"account_id\":\""
                + account + "\",\"amount_micro\":" + amount + ",\"currency\":\"USD\"}}";
        given().baseUri(TestHTTPResourceManager.getUri()).contentType("application/json").body(body)
                .header("Berth-Signature", TopupSignature.header(Instant.now().getEpochSecond(), body,
                        MoneyInIT.SECRET))
                .post("/api/v1/billing/topups/webhook").then().statusCode(200);
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 60 s: " + what);
            }
            Tenant.sleep(100);
        }
    }
}
