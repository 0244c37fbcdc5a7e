// SPDX-License-Identifier: GPL-2.0
/* The benchmark's baseline: a tc program that does nothing, attached behind the meter on the same
 * interface, so that its run time is what the kernel's statistics cost by themselves. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

SEC("tc")
int berth_empty(struct __sk_buff *skb)
{
	return TC_ACT_UNSPEC;
}

char LICENSE[] SEC("license") = "GPL";
