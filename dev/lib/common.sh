# Shared helpers for the dev/ scripts. Sourced, never run.
# Every path and port can be overridden through the environment, which is how the
# test suite runs its own stack (state in .dev/test, ports offset by 10000) beside
# a developer's `dev/up` stack.

BERTH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BERTH_CACHE="${BERTH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/berth}"
BERTH_STATE="${BERTH_STATE:-$BERTH_ROOT/.dev}"
BERTH_PORT_OFFSET="${BERTH_PORT_OFFSET:-0}"

BERTH_K8S_VERSION="${BERTH_K8S_VERSION:-v1.36.3}"
BERTH_ETCD_VERSION="${BERTH_ETCD_VERSION:-v3.6.8}"
BERTH_KEYCLOAK_VERSION="${BERTH_KEYCLOAK_VERSION:-26.4.0}"
BERTH_CONTAINERD_VERSION="${BERTH_CONTAINERD_VERSION:-v2.4.2}"
BERTH_CRICTL_VERSION="${BERTH_CRICTL_VERSION:-v1.37.0}"
BERTH_KUBE_ROUTER_VERSION="${BERTH_KUBE_ROUTER_VERSION:-v2.1.0}"
BERTH_COREDNS_VERSION="${BERTH_COREDNS_VERSION:-v1.15.0}"
BERTH_REGISTRY_VERSION="${BERTH_REGISTRY_VERSION:-v3.1.2}"
# The shared gateway (Traefik: Gateway API and Ingress, no reloads) and the Gateway API CRDs it serves.
# Traefik v3.7 needs modules the Go proxy here does not serve (docs/development.md).
BERTH_TRAEFIK_VERSION="${BERTH_TRAEFIK_VERSION:-v3.6.12}"
BERTH_GATEWAY_API_VERSION="${BERTH_GATEWAY_API_VERSION:-v1.4.0}"
# Traefik as Berth builds it: its version and Berth's patch (dev/patches), one cache directory per pair.
BERTH_TRAEFIK_PATCH="$BERTH_ROOT/dev/patches/traefik-$BERTH_TRAEFIK_VERSION.patch"
BERTH_TRAEFIK_BIN="$BERTH_CACHE/traefik/$BERTH_TRAEFIK_VERSION-$(sha256sum "$BERTH_TRAEFIK_PATCH" 2>/dev/null | cut -c1-12)/traefik"
# The domain under which each workspace owns <app>.<namespace>.<domain> (*.localhost resolves to
# loopback on most systems; the tests name the node's address explicitly).
BERTH_APPS_DOMAIN="${BERTH_APPS_DOMAIN:-apps.berth.localhost}"
BERTH_KEYCLOAK_REALM="${BERTH_KEYCLOAK_REALM:-berth}"

PORT_ETCD=$((12379 + BERTH_PORT_OFFSET))
PORT_ETCD_PEER=$((12380 + BERTH_PORT_OFFSET))
PORT_APISERVER=$((16443 + BERTH_PORT_OFFSET))
PORT_KCM=$((11257 + BERTH_PORT_OFFSET))
PORT_SCHEDULER=$((10259 + BERTH_PORT_OFFSET))
PORT_POSTGRES=$((15432 + BERTH_PORT_OFFSET))
PORT_KEYCLOAK=$((18180 + BERTH_PORT_OFFSET))
PORT_KEYCLOAK_MGMT=$((19100 + BERTH_PORT_OFFSET))
PORT_BACKEND=$((8080 + BERTH_PORT_OFFSET))
PORT_REGISTRY=$((15000 + BERTH_PORT_OFFSET))
PORT_MAIL=$((11025 + BERTH_PORT_OFFSET))
PORT_DNS=$((11053 + BERTH_PORT_OFFSET))

PKI="$BERTH_STATE/pki"
LOGS="$BERTH_STATE/logs"
PIDS="$BERTH_STATE/pids"
SECRETS="$BERTH_STATE/secrets"

log() { printf '[berth] %s\n' "$*" >&2; }
fail() { printf '[berth] ERROR: %s\n' "$*" >&2; exit 1; }

require_tool() {
  command -v "$1" >/dev/null 2>&1 || fail "required tool '$1' not found. Fix: $2"
}

k8s_bin_dir() { echo "$BERTH_CACHE/k8s/$BERTH_K8S_VERSION"; }

# A port is free when nothing listens on it. Names the holder so the message says
# what to stop.
require_free_port() {
  local port="$1" what="$2"
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    local holder
    holder="$(ss -Hltnp "sport = :$port" 2>/dev/null | sed -n 's/.*users:((\("[^"]*"\),pid=\([0-9]*\).*/\1 (pid \2)/p' | head -1)"
    fail "port $port, needed for $what, is already in use${holder:+ by $holder}. Fix: stop that process, or run with BERTH_PORT_OFFSET=<n> to move every Berth port by n"
  fi
}

pid_of() { cat "$PIDS/$1.pid" 2>/dev/null || true; }

is_running() {
  local pid
  pid="$(pid_of "$1")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null
}

# Starts a command in the background with its own process group, output to
# logs/<name>.log, and records its PID.
spawn() {
  local name="$1"
  shift
  mkdir -p "$LOGS" "$PIDS"
  # fd 9 holds the stack lock; daemons must not inherit it.
  setsid "$@" >>"$LOGS/$name.log" 2>&1 </dev/null 9>&- &
  echo $! >"$PIDS/$name.pid"
}

# Stops a component by its recorded PID: TERM to its process group, then KILL after
# a grace period.
stop_component() {
  local name="$1" pid
  pid="$(pid_of "$name")"
  if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
    log "stopping $name (pid $pid)"
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.5
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
  rm -f "$PIDS/$name.pid"
}

# Waits until a check command succeeds; fails naming the component and its log.
wait_until() {
  local name="$1" timeout="$2"
  shift 2
  local deadline=$((SECONDS + timeout))
  until "$@" >/dev/null 2>&1; do
    if ! is_running "$name"; then
      tail -n 20 "$LOGS/$name.log" >&2 || true
      fail "$name exited during start-up (last lines of $LOGS/$name.log above)"
    fi
    if ((SECONDS >= deadline)); then
      tail -n 20 "$LOGS/$name.log" >&2 || true
      fail "$name did not become ready within ${timeout}s (last lines of $LOGS/$name.log above)"
    fi
    sleep 0.5
  done
}

# A secret generated once per state directory and kept there (mode 600).
secret() {
  local name="$1" file="$SECRETS/$1"
  mkdir -p "$SECRETS"
  chmod 700 "$SECRETS"
  if [[ ! -s "$file" ]]; then
    (umask 077 && head -c 48 /dev/urandom | base64 -w0 | tr -dc 'A-Za-z0-9' | head -c 32 >"$file")
  fi
  cat "$file"
}
