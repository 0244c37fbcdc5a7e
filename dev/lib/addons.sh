# What runs on the nodes once they are up: the cluster DNS (CoreDNS), the shared gateway
# (Traefik) and the metering agent, deployed from deploy/metering-agent as the DaemonSet it is in production (a
# kustomize overlay changes only what differs on a shared dev host). Sourced by
# dev/stack.

ADDONS="$BERTH_STATE/addons"
IMAGES_LIST="$BERTH_STATE/images.list"
AGENT_IMAGES_LIST="$BERTH_STATE/agent-images.list"
AGENT_JAR="$BERTH_ROOT/metering-agent/target/quarkus-app/quarkus-run.jar"

kubectl_admin() { "$KUBE_BIN/kubectl" --kubeconfig "$ADMIN_KUBECONFIG" "$@"; }

# Renders a dev/addons template: @NAME@ becomes the value of the shell variable NAME.
render() {
  python3 - "$1" <<'PY'
import os, re, sys
text = open(sys.argv[1]).read()
print(re.sub(r"@([A-Z_]+)@", lambda m: os.environ[m.group(1)], text), end="")
PY
}

images_build() {
  "$BERTH_ROOT/dev/images/build" "$IMAGES_LIST" pause web client coredns gateway ||
    fail "building the node images failed (see above)"
}

# The objects that tie the cluster to the host's parts; applied after deploy/cluster so
# that they win over its defaults.
platform_services() {
  mkdir -p "$ADDONS"
  PORT_POSTGRES="$PORT_POSTGRES" HOST_IP="$HOST_IP" LAN_CIDR="$LAN_CIDR" APPS_DOMAIN="$BERTH_APPS_DOMAIN" \
    render "$BERTH_ROOT/dev/addons/platform-services.yaml" >"$ADDONS/platform-services.yaml"
  kubectl_admin apply -f "$ADDONS/platform-services.yaml" >>"$LOGS/bootstrap.log" 2>&1 ||
    { tail -n 20 "$LOGS/bootstrap.log" >&2; fail "applying dev/addons/platform-services.yaml failed (see $LOGS/bootstrap.log)"; }
}

coredns_up() {
  local upstream="" servers
  servers="$(awk '$1 == "nameserver" && $2 !~ /^127\./ {print $2}' /etc/resolv.conf 2>/dev/null | tr '\n' ' ')"
  [[ -n "$servers" ]] && upstream="forward . $servers"
  mkdir -p "$ADDONS"
  UPSTREAM="$upstream" COREDNS_VERSION="$BERTH_COREDNS_VERSION" CLUSTER_DNS_IP="$CLUSTER_DNS_IP" \
    render "$BERTH_ROOT/dev/addons/coredns.yaml" >"$ADDONS/coredns.yaml"
  kubectl_admin apply -f "$ADDONS/coredns.yaml" >>"$LOGS/addons.log" 2>&1 ||
    { tail -n 20 "$LOGS/addons.log" >&2; fail "applying CoreDNS failed (see $LOGS/addons.log)"; }
  kubectl_admin -n kube-system rollout status deployment/coredns --timeout 180s >>"$LOGS/addons.log" 2>&1 ||
    { kubectl_admin -n kube-system get pods -o wide >&2 || true; fail "CoreDNS did not become ready within 180s (see $LOGS/addons.log and kubectl -n kube-system describe pods)"; }
}

# The nodes' addresses, where the gateway takes clients' ports 80 and 443.
gateway_addrs() {
  local n addrs=()
  for ((n = 1; n <= NODE_COUNT; n++)); do addrs+=("$(node_ip "$n")"); done
  local IFS=,
  echo "${addrs[*]}"
}

# The shared gateway from deploy/gateway, with this stack's image. The stack has no load
# balancer: it writes the nodes' addresses into the gateway Service's status, as a load
# balancer controller would, and kube-proxy takes ports 80 and 443 there (the API server
# refuses externalIPs: DenyServiceExternalIPs).
gateway_up() {
  local addr ingress=""
  mkdir -p "$ADDONS/gateway"
  for addr in $(gateway_addrs | tr ',' ' '); do ingress+="{\"ip\": \"$addr\", \"ipMode\": \"VIP\"}, "; done
  cat >"$ADDONS/gateway/kustomization.yaml" <<YAML
# Written by dev/stack: deploy/gateway with the image this stack built, by its digest in the
# stack's registry.
resources:
  - $(realpath --relative-to="$ADDONS/gateway" "$BERTH_ROOT/deploy/gateway")
images:
  - name: berth/gateway
    digest: $(registry_digest "docker.io/berth/gateway:$BERTH_TRAEFIK_VERSION")
YAML
  kubectl_admin apply -k "$ADDONS/gateway" >>"$LOGS/addons.log" 2>&1 ||
    { tail -n 20 "$LOGS/addons.log" >&2; fail "applying the gateway failed (see $LOGS/addons.log)"; }
  kubectl_admin -n berth-system patch service berth-gateway --subresource=status --type=merge \
    -p "{\"status\": {\"loadBalancer\": {\"ingress\": [${ingress%, }]}}}" >>"$LOGS/addons.log" 2>&1 ||
    { tail -n 20 "$LOGS/addons.log" >&2; fail "giving the gateway Service the nodes' addresses failed (see $LOGS/addons.log)"; }
  kubectl_admin -n berth-system rollout status daemonset/berth-gateway --timeout 180s >>"$LOGS/addons.log" 2>&1 ||
    { kubectl_admin -n berth-system get pods -o wide >&2 || true; fail "the gateway did not become ready within 180s (see $LOGS/addons.log and kubectl -n berth-system logs ds/berth-gateway)"; }
}

agent_build() {
  local stale=0
  if [[ ! -f "$AGENT_JAR" ]]; then
    stale=1
  elif [[ -n "$(find "$BERTH_ROOT/metering-agent/pom.xml" "$BERTH_ROOT/metering-agent/src/main" "$BERTH_ROOT/db/migrations" \
    -newer "$AGENT_JAR" -type f -print -quit)" ]]; then
    stale=1
  fi
  ((stale)) || return 0
  log "building the metering agent (./mvnw package -DskipTests -pl metering-agent -am)"
  (cd "$BERTH_ROOT" && ./mvnw -q -B package -DskipTests -pl metering-agent -am) >"$LOGS/agent-build.log" 2>&1 ||
    { tail -n 30 "$LOGS/agent-build.log" >&2; fail "building the metering agent failed (see $LOGS/agent-build.log). Fix the error above, then run dev/up again"; }
}

# The agent writes samples as the database role berth_metering_agent: INSERT on the two
# sample tables only (granted when the schema exists, see pg_grant_agent).
agent_up() {
  local n
  agent_build
  "$BERTH_ROOT/dev/images/build" "$AGENT_IMAGES_LIST" metering-agent || fail "building the agent's image failed (see above)"
  registry_push "$AGENT_IMAGES_LIST"
  kubectl_admin apply -f "$BERTH_ROOT/deploy/metering-agent/00-namespace.yaml" >>"$LOGS/addons.log" 2>&1 ||
    fail "applying deploy/metering-agent/00-namespace.yaml failed (see $LOGS/addons.log)"
  kubectl_admin -n berth-metering create secret generic berth-metering-agent-db \
    --from-literal=username="$PG_AGENT_USER" --from-literal=password="$(secret postgres-agent)" \
    --dry-run=client -o yaml | kubectl_admin apply -f - >>"$LOGS/addons.log" 2>&1 ||
    fail "creating the agent's database Secret failed (see $LOGS/addons.log)"
  mkdir -p "$ADDONS/metering-agent" "$BERTH_STATE/agent"
  cat >"$ADDONS/metering-agent/kustomization.yaml" <<YAML
# Written by dev/stack: deploy/metering-agent as it is, but for what a host shared by
# several stacks and nodes needs (each node's state and BPF pins apart) and the image
# this stack built, by its digest in the stack's registry (a new build rolls the agents).
resources:
  - $(realpath --relative-to="$ADDONS/metering-agent" "$BERTH_ROOT/deploy/metering-agent")
images:
  - name: berth/metering-agent
    digest: $(registry_digest docker.io/berth/metering-agent:0.1.0)
patches:
  - target: {kind: DaemonSet, name: berth-metering-agent}
    patch: |
      - op: replace
        path: /spec/template/spec/volumes/2/hostPath/path
        value: $BERTH_STATE/agent
      - op: add
        path: /spec/template/spec/containers/0/env/-
        value: {name: BERTH_AGENT_STATE_DIR, value: "/var/lib/berth-agent/\$(BERTH_AGENT_NODE_NAME)"}
      - op: add
        path: /spec/template/spec/containers/0/env/-
        value: {name: BERTH_AGENT_NET_PIN_PATH, value: "/sys/fs/bpf/$NET_TAG/\$(BERTH_AGENT_NODE_NAME)"}
YAML
  kubectl_admin apply -k "$ADDONS/metering-agent" >>"$LOGS/addons.log" 2>&1 ||
    { tail -n 20 "$LOGS/addons.log" >&2; fail "applying the metering agent failed (see $LOGS/addons.log)"; }
  kubectl_admin -n berth-metering rollout status daemonset/berth-metering-agent --timeout 240s >>"$LOGS/addons.log" 2>&1 ||
    { kubectl_admin -n berth-metering get pods -o wide >&2 || true; fail "the metering agent did not become ready within 240s (see $LOGS/addons.log and kubectl -n berth-metering logs ds/berth-metering-agent)"; }
}

# The stack without the agent's DaemonSet (the agent's own tests run it as a process on the
# same pods, whose tc filters two agents would fight over).
agent_down() {
  kubectl_admin -n berth-metering get daemonset berth-metering-agent >/dev/null 2>&1 || return 0
  log "removing the metering agent's DaemonSet (--no-agent)"
  kubectl_admin -n berth-metering delete daemonset berth-metering-agent --wait=true --timeout=60s \
    >>"$LOGS/addons.log" 2>&1 || true
  kubectl_admin -n berth-metering wait --for=delete pod -l app.kubernetes.io/name=berth-metering-agent \
    --timeout=60s >>"$LOGS/addons.log" 2>&1 || true
}
