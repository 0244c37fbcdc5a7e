# The stack's image registry: distribution's registry (built by dev/lib/build-node.sh) on
# the host's address on the stack's LAN, plain HTTP, storage in $BERTH_STATE/registry.
# dev/stack pushes every image dev/images builds to it (dev/images/push.py), and every
# node's containerd pulls docker.io images from it (node.sh: hosts.toml), so pods name
# images as on any cluster (berth/web:0.1.0) and tenants' pods, which admission makes
# pull Always, are checked against the registry on every start.
#
# Who reaches it: the host and the nodes' own daemons (containerd pulls in the node's
# network namespace, from the node's address). Not pods: the node guard lets pods reach
# only the API server and PostgreSQL on the LAN (deploy/network/node-guard.sh), so no
# tenant can push, overwrite or list images. Sourced by dev/stack.

REGISTRY_BIN="$BERTH_CACHE/registry/$BERTH_REGISTRY_VERSION/registry"
REGISTRY_DIR="$BERTH_STATE/registry"
REGISTRY_ADDR="$HOST_IP:$PORT_REGISTRY"
# What is in the registry: the archives pushed (their names carry their inputs' hash) and
# each image's manifest digest.
REGISTRY_PUSHED="$REGISTRY_DIR/pushed"
REGISTRY_DIGESTS="$REGISTRY_DIR/digests"

registry_ready() { curl -sf "http://$REGISTRY_ADDR/v2/" >/dev/null; }

registry_up() {
  is_running registry && return 0
  mkdir -p "$REGISTRY_DIR/data"
  (umask 077 && cat >"$REGISTRY_DIR/config.yml" <<YAML
# Written by dev/stack.
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $REGISTRY_DIR/data
  delete:
    enabled: false
http:
  addr: $REGISTRY_ADDR
  secret: $(secret registry-http)
YAML
  )
  spawn registry "$REGISTRY_BIN" serve "$REGISTRY_DIR/config.yml"
  started+=(registry)
  wait_until registry 30 registry_ready
}

# Pushes the archives of an image list (dev/images/build's) that the registry lacks.
registry_push() {
  local list="$1" archive
  touch "$REGISTRY_PUSHED" "$REGISTRY_DIGESTS"
  while read -r archive; do
    grep -qxF "$archive" "$REGISTRY_PUSHED" && continue
    python3 "$BERTH_ROOT/dev/images/push.py" --registry "$REGISTRY_ADDR" "$archive" >>"$REGISTRY_DIGESTS" 2>>"$LOGS/registry-push.log" ||
      { tail -5 "$LOGS/registry-push.log" >&2; fail "pushing $archive to the stack's registry at $REGISTRY_ADDR failed (see $LOGS/registry-push.log and $LOGS/registry.log)"; }
    echo "$archive" >>"$REGISTRY_PUSHED"
  done <"$list"
}

# The manifest digest of an image the registry holds (docker.io/berth/...:tag).
registry_digest() {
  awk -v name="$1" '$1 == name {d = $2} END {if (d == "") exit 1; print d}' "$REGISTRY_DIGESTS" ||
    fail "the stack's registry holds no $1"
}

registry_down() {
  stop_component registry
}
