package io.berth.agent.it;

import java.util.ArrayList;
import java.util.List;

/**
 * A node's pod network in network namespaces, away from the host's: a "node" namespace with a bridge (the pods'
 * gateway, 10.244.7.1/24) and an "outside" namespace reached through it (198.51.100.10; 10.250.0.10 inside a
 * range the tests configure as external, and 10.250.1.10 beside it, still internal). IPv6 is off everywhere so that no neighbour discovery or MLD packet mixes
 * into the exact byte counts.
 */
final class TestNetwork implements AutoCloseable {

    static final String GATEWAY = "10.244.7.1";
    static final String POD_CIDR = "10.244.7.0/24";
    static final String EXTERNAL_IP = "198.51.100.10";
    static final String CARVED_OUT_IP = "10.250.0.10";
    static final String CARVED_OUT_CIDR = "10.250.0.0/24";
    /** Internal, in the /16 the carve-out splits: the meter must ask its trie, not the /16's state. */
    static final String BESIDE_CARVE_OUT_IP = "10.250.1.10";

    final String id;
    final String node;
    final String outside;
    private final List<String> namespaces = new ArrayList<>();
    private int links;

    TestNetwork(String id) {
        this.id = id;
        this.node = "bm" + id + "n";
        this.outside = "bm" + id + "x";
        addNetns(node);
        addNetns(outside);
        sysctl(node, "net/ipv4/ip_forward", "1");
        Host.run("ip", "-n", node, "link", "add", "br0", "type", "bridge");
        Host.run("ip", "-n", node, "addr", "add", GATEWAY + "/24", "dev", "br0");
        Host.run("ip", "-n", node, "link", "set", "br0", "up");
        Host.run("ip", "-n", node, "link", "set", "lo", "up");
        Host.run("ip", "-n", node, "link", "add", "up0", "type", "veth", "peer", "name", "ex0", "netns", outside);
        Host.run("ip", "-n", node, "addr", "add", "198.51.100.1/24", "dev", "up0");
        Host.run("ip", "-n", node, "link", "set", "up0", "up");
        Host.run("ip", "-n", node, "route", "add", "10.250.0.0/16", "via", EXTERNAL_IP);
        Host.run("ip", "-n", outside, "addr", "add", EXTERNAL_IP + "/24", "dev", "ex0");
        Host.run("ip", "-n", outside, "addr", "add", CARVED_OUT_IP + "/32", "dev", "lo");
        Host.run("ip", "-n", outside, "addr", "add", BESIDE_CARVE_OUT_IP + "/32", "dev", "lo");
        Host.run("ip", "-n", outside, "link", "set", "ex0", "up");
        Host.run("ip", "-n", outside, "link", "set", "lo", "up");
        Host.run("ip", "-n", outside, "route", "add", "default", "via", "198.51.100.1");
    }

    /** A pod's network namespace with eth0 on the node's bridge. */
    String addPod(String name, String ip) {
        String netns = "bm" + id + name;
        addNetns(netns);
        String hostSide = "vh" + id + (links++);
        Host.run("ip", "-n", node, "link", "add", hostSide, "type", "veth", "peer", "name", "eth0", "netns", netns);
        Host.run("ip", "-n", node, "link", "set", hostSide, "master", "br0", "up");
        Host.run("ip", "-n", netns, "addr", "add", ip + "/24", "dev", "eth0");
        Host.run("ip", "-n", netns, "link", "set", "eth0", "up");
        Host.run("ip", "-n", netns, "link", "set", "lo", "up");
        Host.run("ip", "-n", netns, "route", "add", "default", "via", GATEWAY);
        return netns;
    }

    /** An IPv6 pod wired straight to a peer namespace: fd00:6::2 (pod), fd00:6::1 and 2001:db8:6::10 (peer). */
    String addIpv6Pod(String name) {
        String netns = "bm" + id + name;
        String peer = netns + "p";
        namespaces.add(netns);
        namespaces.add(peer);
        Host.run("ip", "netns", "add", netns);
        Host.run("ip", "netns", "add", peer);
        Host.run("ip", "-n", peer, "link", "add", "p0", "type", "veth", "peer", "name", "eth0", "netns", netns);
        Host.run("ip", "-n", netns, "addr", "add", "fd00:6::2/64", "dev", "eth0", "nodad");
        Host.run("ip", "-n", peer, "addr", "add", "fd00:6::1/64", "dev", "p0", "nodad");
        Host.run("ip", "-n", peer, "addr", "add", "2001:db8:6::10/128", "dev", "lo");
        for (String ns : List.of(netns, peer)) {
            Host.run("ip", "-n", ns, "link", "set", "lo", "up");
        }
        Host.run("ip", "-n", netns, "link", "set", "eth0", "up");
        Host.run("ip", "-n", peer, "link", "set", "p0", "up");
        Host.run("ip", "-n", netns, "-6", "route", "add", "default", "via", "fd00:6::1");
        return netns;
    }

    private void addNetns(String name) {
        Host.run("ip", "netns", "add", name);
        namespaces.add(name);
        sysctl(name, "net/ipv6/conf/all/disable_ipv6", "1");
        sysctl(name, "net/ipv6/conf/default/disable_ipv6", "1");
    }

    /** Sets a network sysctl inside {@code netns} (/proc/sys/net is per namespace; no procps needed). */
    static void sysctl(String netns, String key, String value) {
        Host.inNetns(netns, "sh", "-c", "echo " + value + " > /proc/sys/" + key);
    }

    /** Removes a pod's namespace (its veth goes with it). */
    void removeNetns(String netns) {
        Host.quiet("ip", "netns", "del", netns);
        namespaces.remove(netns);
    }

    @Override
    public void close() {
        for (String ns : new ArrayList<>(namespaces)) {
            Host.quiet("ip", "netns", "del", ns);
        }
        namespaces.clear();
    }

    /** Namespaces a crashed earlier run left behind (all test namespaces start with "bm"). */
    static void removeLeftovers() {
        for (String line : Host.run("ip", "netns", "list").split("\n")) {
            String name = line.split(" ")[0];
            if (name.matches("bm[0-9a-f]{4}.*")) {
                Host.quiet("ip", "netns", "del", name);
            }
        }
    }
}
