#!/bin/sh
# The platform's floor under every NetworkPolicy, on one node (docs/security.md): pods
# never open connections to the node's own addresses, never reach link-local addresses
# (cloud metadata), and on the nodes' networks reach only what platform pods need. In the
# mangle table, which runs before the filter table a policy controller owns, so no
# policy's accept can skip it. Idempotent: run it at boot and again whenever you like.
#
#   BERTH_POD_CIDR=10.244.0.0/16                     the cluster's pod network
#   BERTH_NODE_NETWORKS=10.0.0.0/24,...              the nodes' and control plane's networks
#   BERTH_NODE_NETWORK_ALLOW=10.0.0.1:6443,...       what pods may reach there (API server, PostgreSQL)
#
# The dev stack runs it in each node's network namespace (dev/lib/node.sh); on a cluster,
# 30-node-guard.yaml runs it on every node. POSIX sh and iptables only.
set -eu
: "${BERTH_POD_CIDR:?set BERTH_POD_CIDR to the cluster's pod CIDR}"
: "${BERTH_NODE_NETWORKS:?set BERTH_NODE_NETWORKS to the nodes' networks (comma-separated CIDRs)}"
allow="${BERTH_NODE_NETWORK_ALLOW:-}"

rules="*mangle
:BERTH-NODE-GUARD - [0:0]
:BERTH-LAN-GUARD - [0:0]
-F BERTH-NODE-GUARD
-F BERTH-LAN-GUARD
-A BERTH-NODE-GUARD -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN
-A BERTH-NODE-GUARD -m comment --comment \"pods do not open connections to the node\" -j DROP
-A BERTH-LAN-GUARD -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN"
for endpoint in $(echo "$allow" | tr ',' ' '); do
  rules="$rules
-A BERTH-LAN-GUARD -d ${endpoint%:*}/32 -p tcp --dport ${endpoint##*:} -j RETURN"
done
rules="$rules
-A BERTH-LAN-GUARD -m comment --comment \"pods reach nothing else on the nodes' networks\" -j DROP
COMMIT"
printf '%s\n' "$rules" | iptables-restore --noflush

ensure() {
  chain="$1"
  shift
  iptables -t mangle -C "$chain" "$@" 2>/dev/null || iptables -t mangle -I "$chain" 1 "$@"
}
ensure INPUT -s "$BERTH_POD_CIDR" -j BERTH-NODE-GUARD
for network in $(echo "$BERTH_NODE_NETWORKS" | tr ',' ' '); do
  ensure FORWARD -s "$BERTH_POD_CIDR" -d "$network" -j BERTH-LAN-GUARD
done
ensure FORWARD -s "$BERTH_POD_CIDR" -d 169.254.0.0/16 -j DROP
