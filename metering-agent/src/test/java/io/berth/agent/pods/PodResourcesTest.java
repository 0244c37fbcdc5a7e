package io.berth.agent.pods;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;

class PodResourcesTest {

    static Container c(String name, String cpuReq, String cpuLim, String memReq, String memLim, String restart) {
        ContainerBuilder b = new ContainerBuilder().withName(name).withImage("x").withRestartPolicy(restart);
        var r = b.withNewResources();
        if (cpuReq != null) {
            r.addToRequests("cpu", new Quantity(cpuReq));
        }
        if (memReq != null) {
            r.addToRequests("memory", new Quantity(memReq));
        }
        if (cpuLim != null) {
            r.addToLimits("cpu", new Quantity(cpuLim));
        }
        if (memLim != null) {
            r.addToLimits("memory", new Quantity(memLim));
        }
        return r.endResources().build();
    }

    @Test
    void containersAddUpAndAnInitContainerMaySetThePeak() {
        var spec = new PodSpecBuilder()
                .withContainers(c("a", "250m", "500m", "64Mi", "128Mi", null), c("b", "0.5", "1", "1Gi", "1Gi", null))
                .withInitContainers(c("init", "2", "2", "10Mi", "10Mi", null)).build();
        assertThat(PodResources.of(spec)).isEqualTo(new PodResources(2000, 2000, 64L * 1024 * 1024 + (1L << 30),
                128L * 1024 * 1024 + (1L << 30)));
    }

    @Test
    void sidecarsAddOverheadComesOnTopAndAMissingLimitMeansNone() {
        var spec = new PodSpecBuilder().withContainers(c("a", "100m", null, "100M", "200M", null))
                .withInitContainers(c("sidecar", "50m", "50m", "10M", "10M", "Always"))
                .withOverhead(Map.of("cpu", new Quantity("10m"), "memory", new Quantity("1M"))).build();
        PodResources r = PodResources.of(spec);
        assertThat(r.cpuRequestMillis()).isEqualTo(160);
        assertThat(r.cpuLimitMillis()).isZero();
        assertThat(r.memoryRequestBytes()).isEqualTo(111_000_000L);
        assertThat(r.memoryLimitBytes()).isEqualTo(211_000_000L);
    }

    @Test
    void aLimitWithoutRequestIsTheRequestAsTheApiServerDefaultsIt() {
        var spec = new PodSpecBuilder().withContainers(c("a", null, "300m", null, "1Gi", null)).build();
        assertThat(PodResources.of(spec)).isEqualTo(new PodResources(300, 300, 1L << 30, 1L << 30));
    }
}
