// SPDX-License-Identifier: GPL-2.0
/*
 * Berth traffic meter: tc (clsact) programs attached to a pod's interface, one for each
 * direction. They count bytes and packets per pod, direction and class in a per-CPU array;
 * user space (the metering agent) reads the monotonic counters and takes deltas. No
 * per-packet event ever leaves the kernel, so nothing can be dropped on the way.
 *
 * The pod is named by the filter, not by the packet: the agent attaches the same pinned
 * programs to every pod's interface with its own "classid be7:MMMM". cls_bpf stores the
 * filter's classid in the skb before it runs the program, so one loaded program serves every
 * pod and needs no per-pod map. Only the low 16 bits survive (qdisc_skb_cb keeps a u16):
 * bit 15 marks a Berth filter, bit 14 says the interface has no link-layer header (an L3
 * device; otherwise Ethernet, 14 bytes) and bits 0-13 hold the pod's slot in the counters.
 *
 * The class of the remote address (destination when sending, source when receiving) is the
 * longest-prefix match over the agent's CIDR table. A trie walk costs more than all the rest of the
 * program, so it is asked only where it has to be: for each /16 (the address's top 16 bits, in
 * either family) the agent precomputes whether every address in it is external, every one internal,
 * or the /16 is split by a longer CIDR of the other class. Pod, service and node ranges lie inside
 * the default internal ranges and the internet outside them, so nearly every packet is classified by
 * one array read; only a split /16 (a carve-out, a lone node address) walks the LPM trie of its
 * family. The agent fills the tries before it marks a /16 split, so a split /16 is never looked up
 * in a trie that lacks its CIDRs; each 2-bit state is read whole, so a packet sees the old table or
 * the new one.
 *
 * Bytes are IP-layer bytes as on the wire: for a GSO/TSO super-packet each segment's IP and
 * transport headers are counted, as the wire will carry them (the link-layer header is not).
 * Non-IP frames (ARP, LLDP) are not counted.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#define DIR_TX 0
#define DIR_RX 1
#define CLASS_EXTERNAL 0
#define CLASS_INTERNAL 1
#define CLASSID_BERTH 0x8000
#define CLASSID_L3_DEVICE 0x4000
#define CLASSID_SLOT_MASK 0x3fff

struct counter {
	__u64 bytes;
	__u64 packets;
};

struct cidr4_key {
	__u32 prefixlen;
	__u32 addr;
};

struct cidr6_key {
	__u32 prefixlen;
	__u8 addr[16];
};

/* A pod's four counters, indexed by direction * 2 + class. */
struct pod_counters {
	struct counter by_kind[4];
};

/* Index: the pod's slot. The agent creates and pins the map with the size it is configured
 * for; a slot beyond it finds nothing and the packet is not counted. One entry per pod, not
 * per counter: its address depends only on the slot, so the CPU fetches it while the class
 * is still being looked up. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1025);
	__type(key, __u32);
	__type(value, struct pod_counters);
} berth_counters SEC(".maps");

/* Values: CLASS_INTERNAL for internal CIDRs, CLASS_EXTERNAL for carve-outs inside them. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1024);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct cidr4_key);
	__type(value, __u32);
} berth_cidrs4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1024);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct cidr6_key);
	__type(value, __u32);
} berth_cidrs6 SEC(".maps");

#define PREFIX_EXTERNAL CLASS_EXTERNAL
#define PREFIX_INTERNAL CLASS_INTERNAL
#define PREFIX_SPLIT 2

/* The state of each /16: 2 bits per /16, 32 of them per entry (entry = top16 / 32, bits at
 * (top16 % 32) * 2). An entry the agent never wrote is 0: external. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 65536 / 32);
	__type(key, __u32);
	__type(value, __u64);
} berth_prefixes4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 65536 / 32);
	__type(key, __u32);
	__type(value, __u64);
} berth_prefixes6 SEC(".maps");

static __always_inline __u32 prefix_state(void *prefixes, __u32 top16)
{
	__u32 entry = top16 / 32;
	__u64 *states = bpf_map_lookup_elem(prefixes, &entry);
	if (!states)
		return PREFIX_EXTERNAL;
	return (*states >> ((top16 % 32) * 2)) & 3;
}

/* addr in network order, as in the header. */
static __always_inline __u32 class4(__u32 addr)
{
	__u32 state = prefix_state(&berth_prefixes4, bpf_ntohl(addr) >> 16);
	if (state != PREFIX_SPLIT)
		return state;
	struct cidr4_key key = {.prefixlen = 32, .addr = addr};
	__u32 *found = bpf_map_lookup_elem(&berth_cidrs4, &key);
	return found && *found == CLASS_INTERNAL ? CLASS_INTERNAL : CLASS_EXTERNAL;
}

static __always_inline __u32 class6(const struct in6_addr *addr)
{
	__u32 state = prefix_state(&berth_prefixes6, bpf_ntohs(addr->in6_u.u6_addr16[0]));
	if (state != PREFIX_SPLIT)
		return state;
	struct cidr6_key key = {.prefixlen = 128};
	__builtin_memcpy(key.addr, addr, 16);
	__u32 *found = bpf_map_lookup_elem(&berth_cidrs6, &key);
	return found && *found == CLASS_INTERNAL ? CLASS_INTERNAL : CLASS_EXTERNAL;
}

/* Header length of the transport protocol at l4, for the segments of a GSO packet. */
static __always_inline __u32 l4_header_len(void *l4, void *end, __u8 proto)
{
	if (proto == IPPROTO_UDP)
		return 8;
	if (proto == IPPROTO_TCP) {
		__u8 *doff = l4 + 12;
		if ((void *)(doff + 1) > end)
			return 20;
		return (*doff >> 4) * 4;
	}
	return 0;
}

/* l2 is a constant at each call site, so the verifier sees fixed packet offsets. */
static __always_inline int meter(struct __sk_buff *skb, __u32 dir, __u32 slot, const __u32 l2)
{
	struct pod_counters *pod = bpf_map_lookup_elem(&berth_counters, &slot);
	if (!pod)
		return TC_ACT_UNSPEC;
	void *data = (void *)(long)skb->data;
	void *end = (void *)(long)skb->data_end;
	__u32 class;
	__u32 l3_header;
	__u8 proto;
	void *l4;

	if (skb->protocol == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = data + l2;
		if ((void *)(ip + 1) > end)
			return TC_ACT_UNSPEC; /* headers not in the linear part: never seen on veth */
		class = class4(dir == DIR_TX ? ip->daddr : ip->saddr);
		l3_header = ip->ihl * 4;
		proto = ip->protocol;
		l4 = (void *)ip + l3_header;
	} else if (skb->protocol == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = data + l2;
		if ((void *)(ip6 + 1) > end)
			return TC_ACT_UNSPEC;
		l3_header = sizeof(*ip6);
		proto = ip6->nexthdr;
		l4 = ip6 + 1;
		__u8 *icmp_type = l4;
		if (proto == IPPROTO_ICMPV6 && (void *)(icmp_type + 1) <= end && *icmp_type >= 133 &&
		    *icmp_type <= 137) {
			/* Neighbour discovery never leaves the link, whatever its addresses (a global source is
			 * common): internal. */
			class = CLASS_INTERNAL;
		} else {
			class = class6(dir == DIR_TX ? &ip6->daddr : &ip6->saddr);
		}
	} else {
		return TC_ACT_UNSPEC;
	}

	__u64 bytes = skb->len - l2;
	__u32 segments = skb->gso_segs;
	if (segments > 1)
		bytes += (__u64)(segments - 1) * (l3_header + l4_header_len(l4, end, proto));
	else
		segments = 1;

	struct counter *counter = &pod->by_kind[(dir * 2 + class) & 3];
	counter->bytes += bytes;
	counter->packets += segments;
	/* Never decide the packet's fate: later filters (the CNI's) run as if we were not here. */
	return TC_ACT_UNSPEC;
}

static __always_inline int meter_pod(struct __sk_buff *skb, __u32 dir)
{
	__u32 classid = skb->tc_classid;
	if (!(classid & CLASSID_BERTH))
		return TC_ACT_UNSPEC;
	__u32 slot = classid & CLASSID_SLOT_MASK;
	if (classid & CLASSID_L3_DEVICE)
		return meter(skb, dir, slot, 0);
	return meter(skb, dir, slot, ETH_HLEN);
}

/* Pod's interface egress: what the pod transmits. */
SEC("tc")
int berth_tx(struct __sk_buff *skb)
{
	return meter_pod(skb, DIR_TX);
}

/* Pod's interface ingress: what the pod receives. */
SEC("tc")
int berth_rx(struct __sk_buff *skb)
{
	return meter_pod(skb, DIR_RX);
}

char LICENSE[] SEC("license") = "GPL";
