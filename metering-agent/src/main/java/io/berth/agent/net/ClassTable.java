package io.berth.agent.net;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.berth.agent.AgentConfig;
import io.berth.agent.StartupException;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;

/**
 * Which remote addresses are internal: the CIDRs loaded into the kernel's LPM trie. The longest prefix decides, so an
 * external carve-out inside an internal range wins; of two equal prefixes, the external one.
 */
public final class ClassTable {

    public record Entry(Cidr cidr, boolean internal, String source) {
    }

    private final List<Entry> entries;

    private ClassTable(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    /** Builds the table from the settings; pod and node CIDRs fall back to what the Node object says. */
    public static ClassTable from(AgentConfig.Net config, Optional<Node> node) {
        Map<Cidr, Entry> byCidr = new LinkedHashMap<>();
        add(byCidr, config.internalCidrs(), true, "berth.agent.net.internal-cidrs");
        config.serviceCidrs().ifPresent(l -> add(byCidr, l, true, "berth.agent.net.service-cidrs"));
        if (config.podCidrs().isPresent()) {
            add(byCidr, config.podCidrs().get(), true, "berth.agent.net.pod-cidrs");
        } else {
            node.map(ClassTable::podCidrs).ifPresent(l -> add(byCidr, l, true, "Node spec.podCIDRs"));
        }
        if (config.nodeCidrs().isPresent()) {
            add(byCidr, config.nodeCidrs().get(), true, "berth.agent.net.node-cidrs");
        } else {
            node.map(ClassTable::nodeAddresses).ifPresent(l -> add(byCidr, l, true, "Node status.addresses"));
        }
        config.externalCidrs().ifPresent(l -> add(byCidr, l, false, "berth.agent.net.external-cidrs"));
        return new ClassTable(new ArrayList<>(byCidr.values()));
    }

    public static ClassTable of(List<Entry> entries) {
        return new ClassTable(entries);
    }

    private static void add(Map<Cidr, Entry> table, List<String> values, boolean internal, String setting) {
        for (String value : values) {
            if (value.isBlank()) {
                continue;
            }
            Cidr cidr;
            try {
                cidr = Cidr.parse(value);
            } catch (IllegalArgumentException e) {
                throw new StartupException(setting, e.getMessage());
            }
            // Later sources override earlier ones for the same prefix: external carve-outs come last.
            table.put(cidr, new Entry(cidr, internal, setting));
        }
    }

    private static List<String> podCidrs(Node node) {
        List<String> cidrs = new ArrayList<>();
        if (node.getSpec() != null && node.getSpec().getPodCIDRs() != null) {
            cidrs.addAll(node.getSpec().getPodCIDRs());
        }
        if (cidrs.isEmpty() && node.getSpec() != null && node.getSpec().getPodCIDR() != null) {
            cidrs.add(node.getSpec().getPodCIDR());
        }
        return cidrs;
    }

    private static List<String> nodeAddresses(Node node) {
        List<String> cidrs = new ArrayList<>();
        if (node.getStatus() == null || node.getStatus().getAddresses() == null) {
            return cidrs;
        }
        for (NodeAddress a : node.getStatus().getAddresses()) {
            if ("InternalIP".equals(a.getType()) || "ExternalIP".equals(a.getType())) {
                cidrs.add(a.getAddress() + (a.getAddress().contains(":") ? "/128" : "/32"));
            }
        }
        return cidrs;
    }

    public List<Entry> entries() {
        return entries;
    }

    /** The class the kernel program gives {@code remote}: the same longest-prefix rule, in Java. */
    public boolean internal(InetAddress remote) {
        Entry best = null;
        for (Entry e : entries) {
            if (e.cidr().contains(remote) && (best == null || e.cidr().prefixLength() > best.cidr().prefixLength())) {
                best = e;
            }
        }
        return best != null && best.internal();
    }
}
