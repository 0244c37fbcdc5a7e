package io.berth.agent;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Settings of the node agent. Every value is checked at start ({@link StartupChecks}); a bad one stops the agent with
 * a message naming the setting.
 */
@ConfigMapping(prefix = "berth.agent")
public interface AgentConfig {

    /** The node this agent meters (spec.nodeName of its pods); from the downward API in the DaemonSet. */
    String nodeName();

    /** Namespace of the agent's own objects (the collector's Lease); the DaemonSet's namespace. */
    @WithDefault("berth-metering")
    String namespace();

    /** Kubeconfig to use; when absent the client configures itself (in-cluster ServiceAccount, KUBECONFIG). */
    Optional<String> kubeconfig();

    /** Length of a sample window. Must divide an hour so that windows never straddle an hour. */
    @WithDefault("60s")
    Duration interval();

    /** How often usage is read within a window (memory average and maximum come from these reads). */
    @WithDefault("10s")
    Duration readInterval();

    /**
     * After a gap (agent down), the usage counted meanwhile is spread evenly over the missed windows, at most this far
     * back (older usage is spread over those windows too: totals stay exact). Pods created up to this long before the
     * agent's first start on a node are metered from their start.
     */
    @WithDefault("1h")
    Duration maxBackfill();

    /** Local state: spool of unsent samples, counter snapshot, slot table. Must survive agent restarts. */
    @WithDefault("/var/lib/berth-agent")
    String stateDir();

    /** The host's /proc (the agent runs with hostPID to find each pod's network namespace). */
    @WithDefault("/proc")
    String procRoot();

    Cgroup cgroup();

    Net net();

    Spool spool();

    Sink sink();

    Collector collector();

    Edge edge();

    interface Cgroup {
        /** Where the host's cgroup filesystem is mounted (v1: the directory holding the controllers). */
        @WithDefault("/sys/fs/cgroup")
        String root();

        /** auto, v1 or v2. */
        @WithDefault("auto")
        String version();

        /** The kubelet's cgroup driver: auto, cgroupfs or systemd. */
        @WithDefault("auto")
        String driver();

        /**
         * The kubelet's cgroup root (its --cgroup-root), below which it keeps kubepods. {@code auto}: the part of the
         * agent's own cgroup above its kubepods, which is the kubelet's root when the agent runs as one of its pods,
         * else {@code /}.
         */
        @WithDefault("auto")
        String kubeletRoot();
    }

    interface Net {
        /** Traffic metering with eBPF; without it only cgroup usage is metered. */
        @WithDefault("true")
        boolean enabled();

        /** Mount point of the BPF filesystem. */
        @WithDefault("/sys/fs/bpf")
        String bpffs();

        /** Directory under the BPF filesystem where maps and programs are pinned; survives agent restarts. */
        @WithDefault("/sys/fs/bpf/berth")
        String pinPath();

        /** The kernel's BTF; its absence stops the agent (see docs/metering.md). */
        @WithDefault("/sys/kernel/btf/vmlinux")
        String kernelBtf();

        @WithDefault("tc")
        String tc();

        @WithDefault("ip")
        String ip();

        @WithDefault("bpftool")
        String bpftool();

        @WithDefault("nsenter")
        String nsenter();

        @WithDefault("unshare")
        String unshare();

        /** The pod's interface inside its network namespace. */
        @WithDefault("eth0")
        String podInterface();

        /** Priority of the agent's tc filters; the lowest number runs first, so every packet is seen. */
        @WithDefault("1")
        int tcPriority();

        /** Pods on one node that can have traffic counters at the same time. */
        @WithDefault("1024")
        int maxPods();

        /** The cluster's pod CIDRs; when absent, the node's spec.podCIDRs. */
        Optional<List<String>> podCidrs();

        /** The cluster's Service CIDRs (the agent sees Service IPs before kube-proxy translates them). */
        Optional<List<String>> serviceCidrs();

        /** CIDRs of the nodes; when absent, the node's own addresses. */
        Optional<List<String>> nodeCidrs();

        /**
         * Further internal ranges: RFC 1918, 100.64.0.0/10, link-local, IPv6 ULA and link-local, link-local multicast and
         * the unspecified addresses (the source of DAD, MLD and DHCP packets sent before an address exists).
         */
        @WithDefault("10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,100.64.0.0/10,169.254.0.0/16,224.0.0.0/24,0.0.0.0/32,fc00::/7,fe80::/10,ff02::/16,::/128")
        List<String> internalCidrs();

        /** Ranges billed as external although inside an internal range (longest prefix wins), e.g. a NAT gateway. */
        Optional<List<String>> externalCidrs();

        /**
         * How often the agent looks for pods to attach the traffic meter to, between its reads: a pod's traffic before
         * the attach is not counted, so this bounds what a new pod can send unmetered.
         */
        @WithDefault("250ms")
        Duration attachInterval();

        /** Longest a bpftool, tc or nsenter call may take. */
        @WithDefault("20s")
        Duration commandTimeout();
    }

    interface Spool {
        /** Bound of the on-disk spool; beyond it the oldest samples are dropped, loudly and counted. */
        @WithDefault("256M")
        MemorySize maxSize();

        /** Acknowledged segments kept for inspection and replay. */
        @WithDefault("16")
        int keepAcked();
    }

    interface Sink {
        /** Most rows sent in one transaction. */
        @WithDefault("50000")
        int batchRows();

        /** Longest wait between retries while PostgreSQL is unreachable. */
        @WithDefault("30s")
        Duration maxRetryDelay();
    }

    interface Collector {
        /** Take part in the election of the cluster collector (PVCs, node ports, load balancers). */
        @WithDefault("true")
        boolean enabled();

        @WithDefault("berth-metering-collector")
        String leaseName();

        @WithDefault("15s")
        Duration leaseDuration();

        @WithDefault("10s")
        Duration renewDeadline();

        @WithDefault("2s")
        Duration retryPeriod();
    }

    interface Edge {
        /** Meter the bytes clients send to and receive from workspaces through the gateway on this node. */
        @WithDefault("true")
        boolean enabled();

        /** The gateway's namespace; only pods there count as gateways (tenants cannot create pods in it). */
        @WithDefault("berth-system")
        String gatewayNamespace();

        /** The label (key=value) of the gateway's pods. */
        @WithDefault("app.kubernetes.io/name=berth-gateway")
        String gatewayLabel();

        /** Port of the gateway pod's Prometheus endpoint. */
        @WithDefault("9100")
        int metricsPort();

        @WithDefault("/metrics")
        String metricsPath();

        /** Longest a read of the metrics may take (it runs on the sampling thread). */
        @WithDefault("2s")
        Duration timeout();

        /**
         * Traefik providers whose services are workspace backends (the suffix after '@' of a service name): Ingress and
         * Gateway API. Services of other providers (internal, file) are nobody's and not billed.
         */
        @WithDefault("kubernetes,kubernetesgateway")
        List<String> providers();

        /** The label (key=value) the backend puts on every workspace namespace. */
        @WithDefault("berth.io/workspace=true")
        String workspaceLabel();
    }
}
