# The stack's own network, like a small LAN: a bridge in the host's network namespace
# (the host, where the control plane and PostgreSQL run, is .1 on it), one network
# namespace per node plugged into it, and an "outside" namespace standing in for the
# internet (an address metered as external). Each stack has its own addresses, derived
# from its port offset, so dev/up and the test stack live side by side. Sourced by
# dev/stack.
#
#   LAN            10.(200+id).0.0/24      host .1, node n .(10+n), outside host on it too
#   pods           10.(100+id).0.0/16      node n: 10.(100+id).n.0/24
#   outside        198.18.id.10            (198.18.0.0/15 is for network tests, RFC 2544)
#   services       10.96.0.0/16            per node network namespace, so the same in every stack

NET_ID="${BERTH_NET_ID:-$((BERTH_PORT_OFFSET / 1000))}"
NODE_COUNT="${BERTH_NODES:-1}"
NET_TAG="berth$NET_ID"
LAN_BRIDGE="${NET_TAG}lan"
LAN_PREFIX="10.$((200 + NET_ID)).0"
LAN_CIDR="$LAN_PREFIX.0/24"
HOST_IP="$LAN_PREFIX.1"
POD_CIDR="10.$((100 + NET_ID)).0.0/16"
OUTSIDE_NETNS="$NET_TAG-outside"
OUTSIDE_CIDR="198.18.$NET_ID.0/24"
OUTSIDE_IP="198.18.$NET_ID.10"
CLUSTER_DNS_IP="10.96.0.10"
# Host-wide record of what the stacks changed on this host, so the last one down restores it.
HOST_LEDGER="${BERTH_HOST_LEDGER:-/run/berth}"

node_name() { echo "berth-node-$1"; }
node_netns() { echo "$NET_TAG-node$1"; }
node_ip() { echo "$LAN_PREFIX.$((10 + $1))"; }
node_pod_cidr() { echo "10.$((100 + NET_ID)).$1.0/24"; }
node_host_veth() { echo "b${NET_ID}n$1"; }

network_check() {
  [[ "$NET_ID" =~ ^[0-9]+$ ]] && ((NET_ID <= 49)) ||
    fail "the stack's network number is $NET_ID (BERTH_PORT_OFFSET / 1000, or BERTH_NET_ID); it must be 0 to 49. Fix: pick a port offset below 50000 or set BERTH_NET_ID"
  [[ "$NODE_COUNT" =~ ^[1-9]$ ]] || fail "BERTH_NODES=$NODE_COUNT: give a number of nodes from 1 to 9"
  ((EUID == 0)) || fail "the node needs root (network namespaces, cgroups, mounts). Fix: run dev/up as root, or with sudo"
  require_tool ip "apt-get install iproute2"
  require_tool nsenter "apt-get install util-linux"
  network_is_up && return 0
  local cidr route
  for cidr in "$LAN_CIDR" "$POD_CIDR" "$OUTSIDE_CIDR"; do
    route="$(ip -4 route show to match "${cidr%/*}" | { grep -v '^default' || true; } | head -1)"
    [[ -z "$route" ]] || fail "the stack's network $cidr is already routed on this host ($route). Fix: stop what uses it, or run with another BERTH_NET_ID (or BERTH_PORT_OFFSET)"
  done
}

network_is_up() { ip link show "$LAN_BRIDGE" >/dev/null 2>&1; }

in_netns() {
  local ns="$1"
  shift
  nsenter --net="/var/run/netns/$ns" -- "$@"
}

# --- what the stacks change on the host, recorded once and restored by the last one down

# Remembers a host setting's value before any stack changed it.
ledger_remember() {
  local key="$1" value="$2"
  mkdir -p "$HOST_LEDGER/before"
  [[ -e "$HOST_LEDGER/before/$key" ]] || printf '%s\n' "$value" >"$HOST_LEDGER/before/$key"
}

ledger_enter() {
  mkdir -p "$HOST_LEDGER/stacks"
  local s
  # The kubelet changes these three; everything else the node touches is per network namespace.
  for s in vm.overcommit_memory kernel.panic kernel.panic_on_oops; do
    ledger_remember "sysctl:$s" "$(sysctl -n "$s")"
  done
  # Paths the kubelet, the CNI library and iptables create whatever they are told.
  ledger_remember var-log-containers "$([[ -e /var/log/containers ]] && echo present || echo absent)"
  ledger_remember var-lib-cni "$([[ -e /var/lib/cni ]] && echo present || echo absent)"
  ledger_remember xtables-lock "$([[ -e /run/xtables.lock ]] && echo present || echo absent)"
  ledger_remember run-netns "$([[ -e /run/netns ]] && echo present || echo absent)"
  ledger_remember bpffs "$(mountpoint -q /sys/fs/bpf && echo mounted || echo absent)"
  echo "$BERTH_STATE" >"$HOST_LEDGER/stacks/$NET_ID"
}

# The last stack down puts back what the stacks changed.
ledger_leave() {
  rm -f "$HOST_LEDGER/stacks/$NET_ID"
  [[ -d "$HOST_LEDGER/before" ]] || return 0
  if [[ -n "$(ls -A "$HOST_LEDGER/stacks" 2>/dev/null)" ]]; then
    return 0
  fi
  local f key value
  for f in "$HOST_LEDGER"/before/*; do
    [[ -e "$f" ]] || continue
    key="$(basename "$f")"
    value="$(cat "$f")"
    [[ "$value" == absent ]] || [[ "$key" == sysctl:* ]] || continue
    case "$key" in
      sysctl:*) sysctl -qw "${key#sysctl:}=$value" >/dev/null || log "could not restore ${key#sysctl:} to $value" ;;
      var-log-containers) rmdir /var/log/containers 2>/dev/null || true ;;
      var-lib-cni) rm -rf /var/lib/cni ;;
      xtables-lock) rm -f /run/xtables.lock ;;
      # iproute2 makes the directory a bind mount of itself.
      run-netns) [[ -z "$(ls -A /run/netns 2>/dev/null)" ]] && { umount /run/netns 2>/dev/null; rmdir /run/netns 2>/dev/null; } || true ;;
      bpffs) mountpoint -q /sys/fs/bpf && umount /sys/fs/bpf 2>/dev/null || true ;;
    esac
  done
  rm -rf "$HOST_LEDGER"
}

# --- the LAN

network_up() {
  ledger_enter
  # The metering agent pins its maps here; they must outlive its container.
  mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf
  if ! network_is_up; then
    ip link add "$LAN_BRIDGE" type bridge
    ip addr add "$HOST_IP/24" dev "$LAN_BRIDGE"
    ip link set "$LAN_BRIDGE" up
  fi
  if [[ ! -e "/var/run/netns/$OUTSIDE_NETNS" ]]; then
    ip netns add "$OUTSIDE_NETNS"
    ip link add "${NET_TAG}o" type veth peer name eth0 netns "$OUTSIDE_NETNS"
    ip link set "${NET_TAG}o" master "$LAN_BRIDGE" up
    in_netns "$OUTSIDE_NETNS" ip addr add "$OUTSIDE_IP/24" dev eth0
    in_netns "$OUTSIDE_NETNS" ip link set lo up
    in_netns "$OUTSIDE_NETNS" ip link set eth0 up
    # The outside host answers the nodes directly on the LAN (their traffic leaves masqueraded).
    in_netns "$OUTSIDE_NETNS" ip route add "$LAN_CIDR" dev eth0
  fi
}

network_down() {
  ip netns del "$OUTSIDE_NETNS" 2>/dev/null || true
  ip link del "$LAN_BRIDGE" 2>/dev/null || true
  ledger_leave
}
