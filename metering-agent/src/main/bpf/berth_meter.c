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
 * The class of the remote address (destination when sending, source when receiving) is a
 * longest-prefix match in one LPM trie per family: IPv4 keys are 32 bits, which makes the
 * lookup less than half as costly as a walk over IPv4-mapped 128-bit keys. Even so a trie walk
 * is most of the program's cost, and a pod talks to few addresses at a time: IPv4 results are
 * kept in a small per-CPU direct-mapped cache, valid for the trie's generation (the agent
 * bumps it whenever it changes the tries).
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

/* Index: slot * 4 + direction * 2 + class. The agent creates and pins the map with the
 * size it is configured for; a lookup beyond it returns NULL and the packet is not counted. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 4 * 1025);
	__type(key, __u32);
	__type(value, struct counter);
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

/* Entry 0: the generation of the CIDR tries; a cached class of another generation is stale. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} berth_config SEC(".maps");

#define CLASS_CACHE_BITS 10

struct class_cache_entry {
	__u32 addr;
	__u32 generation;
	__u32 class;
	__u32 unused;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1 << CLASS_CACHE_BITS);
	__type(key, __u32);
	__type(value, struct class_cache_entry);
} berth_class_cache SEC(".maps");

/* The class of an IPv4 address: from this CPU's cache if it holds it for the current
 * generation, else from the trie (and then cached). */
static __always_inline __u32 class4(__u32 addr)
{
	__u32 zero = 0;
	__u32 *generation = bpf_map_lookup_elem(&berth_config, &zero);
	if (!generation)
		return CLASS_EXTERNAL;
	__u32 slot = (addr * 2654435761u) >> (32 - CLASS_CACHE_BITS);
	struct class_cache_entry *cached = bpf_map_lookup_elem(&berth_class_cache, &slot);
	if (cached && cached->addr == addr && cached->generation == *generation && *generation != 0)
		return cached->class;
	struct cidr4_key key = {.prefixlen = 32, .addr = addr};
	__u32 *found = bpf_map_lookup_elem(&berth_cidrs4, &key);
	__u32 class = found && *found == CLASS_INTERNAL ? CLASS_INTERNAL : CLASS_EXTERNAL;
	if (cached) {
		cached->addr = addr;
		cached->generation = *generation;
		cached->class = class;
	}
	return class;
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
			struct cidr6_key key = {.prefixlen = 128};
			__builtin_memcpy(key.addr, dir == DIR_TX ? &ip6->daddr : &ip6->saddr, 16);
			__u32 *found = bpf_map_lookup_elem(&berth_cidrs6, &key);
			class = found && *found == CLASS_INTERNAL ? CLASS_INTERNAL : CLASS_EXTERNAL;
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

	__u32 index = slot * 4 + dir * 2 + class;
	struct counter *counter = bpf_map_lookup_elem(&berth_counters, &index);
	if (counter) {
		counter->bytes += bytes;
		counter->packets += segments;
	}
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
