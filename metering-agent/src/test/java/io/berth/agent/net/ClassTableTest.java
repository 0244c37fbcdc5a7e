package io.berth.agent.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.berth.agent.AgentConfig;
import io.berth.agent.StartupException;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;

class ClassTableTest {

    static final List<String> DEFAULTS = List.of("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10",
            "169.254.0.0/16", "224.0.0.0/24", "0.0.0.0/32", "fc00::/7", "fe80::/10", "ff02::/16", "::/128");

    @Test
    void defaultsSplitPrivateFromPublic() throws Exception {
        ClassTable t = ClassTable.from(net(DEFAULTS, null, null, null), Optional.empty());
        for (String internal : List.of("10.1.2.3", "172.31.255.255", "192.168.1.1", "100.127.0.1", "169.254.169.254",
                "fd12::1", "fe80::1", "ff02::1:ff00:1", "224.0.0.251", "::", "0.0.0.0")) {
            assertThat(t.internal(InetAddress.getByName(internal))).as(internal).isTrue();
        }
        for (String external : List.of("8.8.8.8", "172.32.0.1", "100.128.0.1", "2001:db8::1", "198.51.100.10",
                "239.1.1.1", "::2", "0.0.0.1")) {
            assertThat(t.internal(InetAddress.getByName(external))).as(external).isFalse();
        }
    }

    @Test
    void aCarveOutInsideAnInternalRangeIsExternal() throws Exception {
        ClassTable t = ClassTable.from(net(DEFAULTS, null, null, List.of("10.250.0.0/16")), Optional.empty());
        assertThat(t.internal(InetAddress.getByName("10.250.3.4"))).isFalse();
        assertThat(t.internal(InetAddress.getByName("10.251.3.4"))).isTrue();
        assertThat(t.entries()).filteredOn(e -> !e.internal()).singleElement()
                .satisfies(e -> assertThat(e.source()).isEqualTo("berth.agent.net.external-cidrs"));
    }

    @Test
    void podAndNodeRangesComeFromTheNodeUnlessConfigured() throws Exception {
        Node node = new NodeBuilder().withNewMetadata().withName("n1").endMetadata().withNewSpec()
                .withPodCIDRs("203.0.113.0/24").endSpec().withNewStatus().addNewAddress().withType("InternalIP")
                .withAddress("198.51.100.7").endAddress().endStatus().build();
        ClassTable t = ClassTable.from(net(List.of(), null, null, null), Optional.of(node));
        assertThat(t.internal(InetAddress.getByName("203.0.113.9"))).isTrue();
        assertThat(t.internal(InetAddress.getByName("198.51.100.7"))).isTrue();
        assertThat(t.internal(InetAddress.getByName("198.51.100.8"))).isFalse();
        ClassTable configured = ClassTable.from(net(List.of(), List.of("192.0.2.0/24"), null, null),
                Optional.of(node));
        assertThat(configured.internal(InetAddress.getByName("203.0.113.9"))).isFalse();
    }

    @Test
    void aMalformedCidrNamesItsSetting() {
        assertThatThrownBy(() -> ClassTable.from(net(List.of("10.0.0.0/8", "300.1.1.1/8"), null, null, null),
                Optional.empty())).isInstanceOf(StartupException.class)
                .hasMessageStartingWith("berth.agent.net.internal-cidrs: '300.1.1.1/8' is not a CIDR");
        assertThatThrownBy(() -> ClassTable.from(net(DEFAULTS, null, List.of("10.0.0.0/40"), null),
                Optional.empty())).hasMessageStartingWith("berth.agent.net.service-cidrs: '10.0.0.0/40'");
    }

    static AgentConfig.Net net(List<String> internal, List<String> pod, List<String> service, List<String> external) {
        return new AgentConfig.Net() {
            public boolean enabled() {
                return true;
            }

            public String bpffs() {
                return "/sys/fs/bpf";
            }

            public String pinPath() {
                return "/sys/fs/bpf/berth";
            }

            public String kernelBtf() {
                return "/sys/kernel/btf/vmlinux";
            }

            public String tc() {
                return "tc";
            }

            public String ip() {
                return "ip";
            }

            public String bpftool() {
                return "bpftool";
            }

            public String nsenter() {
                return "nsenter";
            }

            public String unshare() {
                return "unshare";
            }

            public String podInterface() {
                return "eth0";
            }

            public int tcPriority() {
                return 1;
            }

            public int maxPods() {
                return 1024;
            }

            public Optional<List<String>> podCidrs() {
                return Optional.ofNullable(pod);
            }

            public Optional<List<String>> serviceCidrs() {
                return Optional.ofNullable(service);
            }

            public Optional<List<String>> nodeCidrs() {
                return Optional.empty();
            }

            public List<String> internalCidrs() {
                return internal;
            }

            public Optional<List<String>> externalCidrs() {
                return Optional.ofNullable(external);
            }

            public Duration attachInterval() {
                return Duration.ofMillis(250);
            }

            public Duration commandTimeout() {
                return Duration.ofSeconds(5);
            }
        };
    }
}
