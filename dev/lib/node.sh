# The stack's worker nodes: each a network namespace on the stack's LAN (network.sh)
# running containerd v2 (pulling images from the stack's registry, registry.sh) with
# Debian's runc and CNI plugins, the kubelet, kube-proxy
# (nftables) and kube-router's NetworkPolicy controller (iptables + ipset), with its own
# cgroup root so that no two kubelets on this host see each other's pods. State lives in
# $BERTH_STATE/nodes/<n>. Sourced by dev/stack.

CONTAINERD_BIN="$BERTH_CACHE/containerd/$BERTH_CONTAINERD_VERSION"
CRICTL="$BERTH_CACHE/cri-tools/$BERTH_CRICTL_VERSION/crictl"
KUBE_ROUTER="$BERTH_CACHE/kube-router/$BERTH_KUBE_ROUTER_VERSION/kube-router"
RUNC="${BERTH_RUNC:-/usr/sbin/runc}"
CNI_BIN_DIR="${BERTH_CNI_BIN_DIR:-/usr/lib/cni}"
PAUSE_IMAGE="docker.io/berth/pause:1.0"

node_dir() { echo "$BERTH_STATE/nodes/$1"; }
node_cgroup() { echo "/$NET_TAG/node$1"; }
node_system_cgroup() { echo "/$NET_TAG/node$1-system"; }
# Sockets live under /run: a unix socket's path may hold 108 bytes, and containerd allows
# its shims' directory 42, wherever the checkout is.
node_run_dir() { echo "/run/berth-nodes/$NET_TAG-n$1"; }
node_socket() { echo "$(node_run_dir "$1")/containerd.sock"; }

node_tools_check() {
  require_tool "$RUNC" "apt-get install runc"
  [[ -x "$CNI_BIN_DIR/bridge" && -x "$CNI_BIN_DIR/host-local" && -x "$CNI_BIN_DIR/portmap" && -x "$CNI_BIN_DIR/loopback" ]] ||
    fail "CNI plugins not found in $CNI_BIN_DIR. Fix: apt-get install containernetworking-plugins (or set BERTH_CNI_BIN_DIR)"
  require_tool iptables "apt-get install iptables"
  require_tool ipset "apt-get install ipset"
  require_tool nft "apt-get install nftables"
  require_tool gcc "apt-get install gcc libc6-dev"
  require_tool jlink "install a full JDK 17 (apt-get install openjdk-17-jdk-headless)"
  [[ -d /sys/fs/cgroup/cpuacct || -f /sys/fs/cgroup/cgroup.controllers ]] ||
    fail "no cgroup filesystem at /sys/fs/cgroup; the kubelet needs one"
}

node_build() {
  "$BERTH_ROOT/dev/lib/build-node.sh" || fail "building the node's programs failed (see above)"
}

# --- cgroups: the kubelet's root and the node daemons' own group, in every hierarchy

cgroup_hierarchies() {
  local h
  if [[ -f /sys/fs/cgroup/cgroup.controllers ]]; then
    echo /sys/fs/cgroup
    return
  fi
  for h in /sys/fs/cgroup/*/; do
    [[ -f "$h/cgroup.procs" ]] && echo "${h%/}"
  done
}

# Creates a cgroup path level by level; cgroup v1 cpuset needs cpus and mems copied
# from the parent before a task may join.
cgroup_make() {
  local path="${1#/}" h dir parent part
  for h in $(cgroup_hierarchies); do
    dir="$h"
    IFS=/ read -ra parts <<<"$path"
    for part in "${parts[@]}"; do
      parent="$dir"
      dir="$dir/$part"
      [[ -d "$dir" ]] || mkdir "$dir"
      if [[ -f "$dir/cpuset.cpus" && -z "$(cat "$dir/cpuset.cpus")" ]]; then
        cat "$parent/cpuset.cpus" >"$dir/cpuset.cpus"
        cat "$parent/cpuset.mems" >"$dir/cpuset.mems"
      fi
    done
  done
}

# Kills every process below a cgroup path and removes its groups, deepest first.
cgroup_destroy() {
  local path="${1#/}" h pids tries
  for tries in 1 2 3 4 5 6 7 8 9 10; do
    pids="$(for h in $(cgroup_hierarchies); do
      if [[ -d "$h/$path" ]]; then find "$h/$path" -name cgroup.procs -exec cat {} + 2>/dev/null || true; fi
    done | sort -u)"
    [[ -z "$pids" ]] && break
    # shellcheck disable=SC2086
    kill -KILL $pids 2>/dev/null || true
    sleep 0.3
  done
  for h in $(cgroup_hierarchies); do
    if [[ -d "$h/$path" ]]; then find "$h/$path" -depth -type d -exec rmdir {} + 2>/dev/null || true; fi
  done
  return 0
}

# --- certificates and kubeconfigs of a node's parts

node_pki() {
  local n="$1" name
  name="$(node_name "$n")"
  pki_cert "kubelet-$n" "/O=system:nodes/CN=system:node:$name" "extendedKeyUsage=clientAuth"
  pki_cert "kubelet-serving-$n" "/O=system:nodes/CN=system:node:$name" \
    "subjectAltName=IP:$(node_ip "$n"),DNS:$name
extendedKeyUsage=serverAuth
keyUsage=digitalSignature,keyEncipherment"
  pki_cert kube-proxy "/CN=system:kube-proxy" "extendedKeyUsage=clientAuth"
}

# --- the node's network: namespace, address, routes, masquerade and the platform guard

node_network_up() {
  local n="$1" ns veth m
  ns="$(node_netns "$n")"
  veth="$(node_host_veth "$n")"
  if [[ ! -e "/var/run/netns/$ns" ]]; then
    ip netns add "$ns"
  fi
  # The cluster is IPv4: no router discovery on the node's links (the kernel would solicit routers for ever,
  # and every pod on the bridge would receive, and be metered for, each solicitation). Pods get the same
  # from the CNI's tuning plugin.
  in_netns "$ns" sysctl -qw net.ipv6.conf.default.router_solicitations=0 net.ipv6.conf.all.router_solicitations=0
  if ! ip link show "$veth" >/dev/null 2>&1; then
    ip link add "$veth" type veth peer name eth0 netns "$ns"
    ip link set "$veth" master "$LAN_BRIDGE" up
    in_netns "$ns" ip addr add "$(node_ip "$n")/24" dev eth0
    in_netns "$ns" ip link set lo up
    in_netns "$ns" ip link set eth0 up
    in_netns "$ns" ip route add default via "$HOST_IP"
    in_netns "$ns" ip route add "$OUTSIDE_CIDR" dev eth0
  fi
  for ((m = 1; m <= NODE_COUNT; m++)); do
    ((m == n)) && continue
    in_netns "$ns" ip route replace "$(node_pod_cidr "$m")" via "$(node_ip "$m")"
  done
  ip route replace "$(node_pod_cidr "$n")" via "$(node_ip "$n")" dev "$LAN_BRIDGE"
  # Per network namespace: this node routes its pods, and bridged pod traffic passes
  # through iptables, where the NetworkPolicy controller decides it.
  in_netns "$ns" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.eth0.router_solicitations=0
  in_netns "$ns" sysctl -qw net.bridge.bridge-nf-call-iptables=1 2>/dev/null || true
  in_netns "$ns" sysctl -qw net.bridge.bridge-nf-call-ip6tables=1 2>/dev/null || true
  node_firewall "$n"
}

# Pods keep their addresses between nodes (policies see pod IPs) and are masqueraded
# to the node's address only when they leave the pod network. Below every
# NetworkPolicy, the platform's node guard (deploy/network/node-guard.sh, the same
# script a cluster runs on its nodes): pods never open connections to a node's own
# addresses, never reach link-local addresses (cloud metadata), and on the LAN reach
# only the control plane's API server and PostgreSQL; no tenant policy can undo this.
node_firewall() {
  local n="$1" ns
  ns="$(node_netns "$n")"
  in_netns "$ns" iptables-restore --noflush <<RULES
*nat
:BERTH-MASQUERADE - [0:0]
-F BERTH-MASQUERADE
-A BERTH-MASQUERADE -d $POD_CIDR -j RETURN
-A BERTH-MASQUERADE -j MASQUERADE
COMMIT
RULES
  in_netns "$ns" iptables -t nat -C POSTROUTING -s "$POD_CIDR" -j BERTH-MASQUERADE 2>/dev/null ||
    in_netns "$ns" iptables -t nat -A POSTROUTING -s "$POD_CIDR" -j BERTH-MASQUERADE
  BERTH_POD_CIDR="$POD_CIDR" BERTH_NODE_NETWORKS="$LAN_CIDR" \
    BERTH_NODE_NETWORK_ALLOW="$HOST_IP:$PORT_APISERVER,$HOST_IP:$PORT_POSTGRES" \
    in_netns "$ns" sh "$BERTH_ROOT/deploy/network/node-guard.sh" || fail "the node guard on $(node_name "$n") failed"
}

# --- containerd

node_containerd_config() {
  local n="$1" dir
  dir="$(node_dir "$n")"
  mkdir -p "$dir/containerd" "$dir/cni/net.d" "$dir/cni/ipam" "$dir/runc" "$dir/cdi" "$(node_run_dir "$n")"
  cat >"$dir/cni/net.d/10-berth.conflist" <<JSON
{
  "cniVersion": "1.0.0",
  "name": "$NET_TAG-node$n",
  "plugins": [
    {
      "type": "bridge",
      "bridge": "cni0",
      "isGateway": true,
      "ipMasq": false,
      "hairpinMode": true,
      "ipam": {
        "type": "host-local",
        "ranges": [[{"subnet": "$(node_pod_cidr "$n")"}]],
        "routes": [{"dst": "0.0.0.0/0"}],
        "dataDir": "$dir/cni/ipam"
      }
    },
    {"type": "portmap", "capabilities": {"portMappings": true}},
    {
      "type": "tuning",
      "sysctl": {"net.ipv6.conf.eth0.router_solicitations": "0", "net.ipv6.conf.eth0.accept_ra": "0"}
    }
  ]
}
JSON
  # Images come from the stack's registry (registry.sh): docker.io is served by it alone,
  # over HTTP on the LAN, so berth/web:0.1.0 means the stack's own image and nothing is
  # fetched from the internet.
  mkdir -p "$dir/containerd/certs.d/docker.io"
  cat >"$dir/containerd/certs.d/docker.io/hosts.toml" <<TOML
# Written by dev/stack: $(node_name "$n") pulls docker.io images from the stack's registry only.
server = "http://$REGISTRY_ADDR"
TOML
  cat >"$dir/containerd/config.toml" <<TOML
# containerd for $(node_name "$n"), written by dev/stack. Every path is this node's own.
version = 4
root = '$dir/containerd/root'
state = '$dir/containerd/state'
temp = '$dir/containerd/tmp'
imports = []

[debug]
  level = 'warn'

[plugins]
  [plugins.'io.containerd.server.v1.grpc']
    address = '$(node_socket "$n")'

  [plugins.'io.containerd.server.v1.ttrpc']
    address = '$(node_socket "$n").ttrpc'

  [plugins.'io.containerd.cri.v1.images']
    snapshotter = 'overlayfs'
    [plugins.'io.containerd.cri.v1.images'.registry]
      config_path = '$dir/containerd/certs.d'
    [plugins.'io.containerd.cri.v1.images'.pinned_images]
      sandbox = '$PAUSE_IMAGE'

  [plugins.'io.containerd.cri.v1.runtime']
    # root here lacks CAP_SYS_RESOURCE: runc may not lower a process's oom_score_adj.
    restrict_oom_score_adj = true
    netns_mounts_under_state_dir = true
    enable_criu = false
    cdi_spec_dirs = ['$dir/cdi']
    [plugins.'io.containerd.cri.v1.runtime'.containerd]
      default_runtime_name = 'runc'
      [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc]
        runtime_type = 'io.containerd.runc.v2'
        [plugins.'io.containerd.cri.v1.runtime'.containerd.runtimes.runc.options]
          BinaryName = '$RUNC'
          Root = '$dir/runc'
          SystemdCgroup = false
    [plugins.'io.containerd.cri.v1.runtime'.cni]
      bin_dirs = ['$CNI_BIN_DIR']
      conf_dir = '$dir/cni/net.d'

  [plugins.'io.containerd.grpc.v1.cri']
    stream_server_address = '127.0.0.1'
    stream_server_port = '0'

  [plugins.'io.containerd.internal.v1.opt']
    path = '$dir/containerd/opt'

  [plugins.'io.containerd.image-verifier.v1.bindir']
    bin_dir = '$dir/containerd/image-verifier'

  [plugins.'io.containerd.nri.v1.nri']
    disable = true

  [plugins.'io.containerd.shim.v1.manager']
    socket_dir = '$(node_run_dir "$n")/s'
TOML
}

containerd_ready() { "$CONTAINERD_BIN/ctr" --address "$(node_socket "$1")" version; }

node_start_containerd() {
  local n="$1" dir
  dir="$(node_dir "$n")"
  is_running "containerd-$n" && return 0
  node_containerd_config "$n"
  PATH="$CONTAINERD_BIN:$PATH" spawn "containerd-$n" "$BERTH_ROOT/dev/lib/in-node" "$(node_netns "$n")" \
    "$(node_system_cgroup "$n")" "$CONTAINERD_BIN/containerd" --config "$dir/containerd/config.toml"
  started+=("containerd-$n")
  wait_until "containerd-$n" 60 containerd_ready "$n"
}

# --- the kubelet

node_kubelet_config() {
  local n="$1" dir
  dir="$(node_dir "$n")"
  mkdir -p "$dir/kubelet" "$dir/pod-logs"
  # Pods resolve through the cluster DNS; the node itself has no upstream resolver to
  # offer them beyond the host's.
  grep -E '^(nameserver|search|options)' /etc/resolv.conf 2>/dev/null | grep -v 'nameserver 127\.' >"$dir/resolv.conf" || true
  write_kubeconfig "$dir/kubelet.kubeconfig" "kubelet-$n"
  cat >"$dir/kubelet.yaml" <<YAML
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
# This host runs cgroup v1 without systemd.
failCgroupV1: false
cgroupDriver: cgroupfs
cgroupRoot: $(node_cgroup "$n")
address: $(node_ip "$n")
port: 10250
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
healthzPort: 10248
tlsCertFile: $PKI/kubelet-serving-$n.crt
tlsPrivateKeyFile: $PKI/kubelet-serving-$n.key
authentication:
  anonymous:
    enabled: false
  webhook:
    enabled: true
  x509:
    clientCAFile: $PKI/ca.crt
authorization:
  mode: Webhook
clusterDomain: cluster.local
clusterDNS: [$CLUSTER_DNS_IP]
resolvConf: $dir/resolv.conf
containerRuntimeEndpoint: unix://$(node_socket "$n")
podLogsDir: $dir/pod-logs
failSwapOn: false
maxPods: 250
serializeImagePulls: false
evictionHard:
  memory.available: 100Mi
  nodefs.available: 1%
  nodefs.inodesFree: 1%
  imagefs.available: 1%
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
containerLogMaxSize: 10Mi
YAML
}

kubelet_healthy() { in_netns "$(node_netns "$1")" curl -sf http://127.0.0.1:10248/healthz; }

node_start_kubelet() {
  local n="$1" dir
  dir="$(node_dir "$n")"
  is_running "kubelet-$n" && return 0
  node_kubelet_config "$n"
  spawn "kubelet-$n" "$BERTH_ROOT/dev/lib/in-node" "$(node_netns "$n")" "$(node_system_cgroup "$n")" \
    "$KUBE_BIN/kubelet" --config "$dir/kubelet.yaml" --kubeconfig "$dir/kubelet.kubeconfig" \
    --root-dir "$dir/kubelet" --cert-dir "$dir/kubelet/pki" --hostname-override "$(node_name "$n")" \
    --node-ip "$(node_ip "$n")" --node-labels "berth.io/node-pool=dev"
  started+=("kubelet-$n")
  wait_until "kubelet-$n" 60 kubelet_healthy "$n"
}

# The Node object exists before its kubelet registers, so that it carries this node's
# pod CIDR (the CNI configuration and the routes use the same one).
node_register() {
  local n="$1"
  "$KUBE_BIN/kubectl" --kubeconfig "$ADMIN_KUBECONFIG" apply -f - >>"$LOGS/bootstrap.log" 2>&1 <<YAML ||
apiVersion: v1
kind: Node
metadata:
  name: $(node_name "$n")
spec:
  podCIDR: $(node_pod_cidr "$n")
  podCIDRs: [$(node_pod_cidr "$n")]
YAML
    fail "registering node $(node_name "$n") failed (see $LOGS/bootstrap.log)"
}

node_ready() {
  [[ "$("$KUBE_BIN/kubectl" --kubeconfig "$ADMIN_KUBECONFIG" get node "$(node_name "$1")" \
    -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" == True ]]
}

# --- kube-proxy and the NetworkPolicy controller

node_start_kube_proxy() {
  local n="$1" dir
  dir="$(node_dir "$n")"
  is_running "kube-proxy-$n" && return 0
  write_kubeconfig "$dir/kube-proxy.kubeconfig" kube-proxy
  cat >"$dir/kube-proxy.yaml" <<YAML
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: nftables
clientConnection:
  kubeconfig: $dir/kube-proxy.kubeconfig
hostnameOverride: $(node_name "$n")
clusterCIDR: $POD_CIDR
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
nodePortAddresses: [$(node_ip "$n")/32]
# Leave the host-wide conntrack settings alone.
conntrack:
  maxPerCore: 0
  tcpEstablishedTimeout: 0s
  tcpCloseWaitTimeout: 0s
YAML
  spawn "kube-proxy-$n" "$BERTH_ROOT/dev/lib/in-node" "$(node_netns "$n")" "$(node_system_cgroup "$n")" \
    "$KUBE_BIN/kube-proxy" --config "$dir/kube-proxy.yaml"
  started+=("kube-proxy-$n")
  wait_until "kube-proxy-$n" 60 in_netns "$(node_netns "$n")" curl -sf http://127.0.0.1:10256/healthz
}

node_start_kube_router() {
  local n="$1" dir
  dir="$(node_dir "$n")"
  is_running "kube-router-$n" && return 0
  sa_kubeconfig "$dir/kube-router.kubeconfig" kube-system berth-network-policy
  spawn "kube-router-$n" "$BERTH_ROOT/dev/lib/in-node" "$(node_netns "$n")" "$(node_system_cgroup "$n")" \
    "$KUBE_ROUTER" --run-firewall=true --run-router=false --run-service-proxy=false \
    --kubeconfig "$dir/kube-router.kubeconfig" --hostname-override "$(node_name "$n")" \
    --service-cluster-ip-range "$SERVICE_CIDR" --health-port 20244 --metrics-port 0
  started+=("kube-router-$n")
  wait_until "kube-router-$n" 90 in_netns "$(node_netns "$n")" curl -sf http://127.0.0.1:20244/healthz
}

# --- one node, up and down

node_up() {
  local n="$1" t0=$SECONDS
  mkdir -p "$(node_dir "$n")"
  node_pki "$n"
  node_register "$n"
  node_network_up "$n"
  cgroup_make "$(node_cgroup "$n")"
  cgroup_make "$(node_system_cgroup "$n")"
  node_start_containerd "$n"
  node_start_kubelet "$n"
  node_start_kube_proxy "$n"
  node_start_kube_router "$n"
  wait_until "kubelet-$n" 120 node_ready "$n"
  log "node $(node_name "$n") ready at $(node_ip "$n") ($((SECONDS - t0))s)"
}

node_running() {
  local c
  for c in containerd kubelet kube-proxy kube-router; do is_running "$c-$1" || return 1; done
}

# Stops a node and leaves nothing of it on the host: its pods (through the CRI, so
# the CNI releases their addresses), its daemons, every process left in its cgroups,
# its mounts, network namespaces and links, and the kubelet's links in
# /var/log/containers.
node_down() {
  local n="$1" dir ns
  dir="$(node_dir "$n")"
  ns="$(node_netns "$n")"
  stop_component "kubelet-$n"
  if is_running "containerd-$n"; then
    "$CRICTL" --runtime-endpoint "unix://$(node_socket "$n")" --timeout 20s rmp --all --force >>"$LOGS/node-down-$n.log" 2>&1 || true
  fi
  stop_component "kube-router-$n"
  stop_component "kube-proxy-$n"
  stop_component "containerd-$n"
  cgroup_destroy "$(node_cgroup "$n")"
  cgroup_destroy "$(node_system_cgroup "$n")"
  node_unmount "$dir"
  rm -rf "$dir/containerd/state" "$dir/runc" "$dir/kubelet/pods" "$dir/cni/ipam" "$(node_run_dir "$n")"
  rmdir /run/berth-nodes 2>/dev/null || true
  if [[ -d /var/log/containers ]]; then
    find /var/log/containers -maxdepth 1 -type l -lname "$dir/*" -delete 2>/dev/null || true
  fi
  rm -f /var/lib/cni/results/"$NET_TAG-node$n"-* 2>/dev/null || true
  rmdir /var/lib/cni/results /var/lib/cni 2>/dev/null || true
  rm -rf "/sys/fs/bpf/$NET_TAG/$(node_name "$n")" 2>/dev/null || true
  rmdir "/sys/fs/bpf/$NET_TAG" 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
  ip route del "$(node_pod_cidr "$n")" 2>/dev/null || true
}

# Every mount below a directory, deepest first (pod volumes, netns files, the
# kubelet's bind mount of its own root).
node_unmount() {
  local dir m
  dir="$(readlink -f "$1")"
  [[ -d "$dir" ]] || return 0
  for m in $(awk -v d="$dir" 'index($2, d) == 1 {print $2}' /proc/self/mounts | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
}

nodes_up() {
  local n
  for ((n = 1; n <= NODE_COUNT; n++)); do
    node_up "$n"
  done
}

nodes_down() {
  local n dir h
  for dir in "$BERTH_STATE"/nodes/*/; do
    [[ -d "$dir" ]] || continue
    n="$(basename "$dir")"
    node_down "$n"
  done
  for h in $(cgroup_hierarchies); do
    [[ -d "$h/$NET_TAG" ]] && rmdir "$h/$NET_TAG" 2>/dev/null
  done
  return 0
}
