package io.berth.agent.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.berth.agent.sink.ObjectSample;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceBuilder;

class ObjectCollectorTest {

    @Test
    void pvcQuantityIsTheRequestedBytes() {
        var pvc = new PersistentVolumeClaimBuilder().withNewMetadata().withUid("u1").withNamespace("ns")
                .withName("data").endMetadata().withNewSpec().withStorageClassName("fast").withNewResources()
                .addToRequests("storage", new Quantity("5Gi")).endResources().endSpec().build();
        ObjectSample s = ObjectCollector.pvcSample(pvc);
        assertThat(s.kind()).isEqualTo(ObjectSample.PVC);
        assertThat(s.quantity()).isEqualTo(5L << 30);
        assertThat(s.storageClass()).isEqualTo("fast");
        assertThat(s.usedBytes()).isNull();
    }

    @Test
    void nodePortsAreCountedAndALoadBalancerIsOne() {
        var np = new ServiceBuilder().withNewMetadata().withUid("u2").withNamespace("ns").withName("np")
                .endMetadata().withNewSpec().withType("NodePort").addNewPort().withPort(80).withNodePort(30080)
                .endPort().addNewPort().withPort(443).withNodePort(30443).endPort().endSpec().build();
        assertThat(ObjectCollector.serviceSample(np).quantity()).isEqualTo(2);
        assertThat(ObjectCollector.serviceSample(np).kind()).isEqualTo(ObjectSample.NODEPORT_SERVICE);
        var lb = new ServiceBuilder(np).editSpec().withType("LoadBalancer").endSpec().build();
        assertThat(ObjectCollector.serviceSample(lb).kind()).isEqualTo(ObjectSample.LOADBALANCER_SERVICE);
        assertThat(ObjectCollector.serviceSample(lb).quantity()).isEqualTo(1);
        var cluster = new ServiceBuilder(np).editSpec().withType("ClusterIP").endSpec().build();
        assertThat(ObjectCollector.serviceSample(cluster)).isNull();
    }
}
