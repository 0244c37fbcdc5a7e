#!/usr/bin/env bash
# Builds the node's own Go programs from the Go module proxy into $BERTH_CACHE, once per
# version: containerd (with its runc shim and ctr), crictl, CoreDNS, kube-router (its
# NetworkPolicy controller), the registry the nodes pull images from, the gateway (Traefik)
# and the Gateway API CRDs. runc and the CNI plugins come from Debian's packages; the
# kubelet and kube-proxy are built with the control plane (build-k8s.sh). No prebuilt
# binary is downloaded.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

require_tool go "install Go 1.26 or newer (https://go.dev/doc/install or your OS package manager)"

work="$(mktemp -d "${TMPDIR:-/tmp}/berth-node-build.XXXXXX")"
trap 'rm -rf "$work"' EXIT

fail_build() {
  fail "the Go build of $1 failed (log above). Check that the Go module proxy is reachable (go env GOPROXY) and serves $2; then run dev/up again"
}

# go_build <out dir> <binary> <module> <version> <package> [build flags...]: builds one
# command of a module in a scratch consumer module (so the module's own go.sum pins
# its dependencies), static, into <out dir>/<binary>.
go_build() {
  local out="$1" bin="$2" module="$3" version="$4" pkg="$5"
  shift 5
  [[ -x "$out/$bin" ]] && return 0
  mkdir -p "$out" "$work/$bin"
  (
    cd "$work/$bin"
    go mod init "berth.local/build-$bin" >/dev/null 2>&1
    go mod edit -require="$module@$version"
    log "go build $pkg@$version"
    CGO_ENABLED=0 go build -mod=mod -trimpath "$@" -o "$out/$bin.tmp" "$pkg"
  ) || fail_build "$bin" "$module@$version"
  mv "$out/$bin.tmp" "$out/$bin"
}

containerd_dir="$BERTH_CACHE/containerd/$BERTH_CONTAINERD_VERSION"
ctr_flags=(-tags "no_btrfs no_devmapper no_zfs" -ldflags "-s -w -X github.com/containerd/containerd/v2/version.Version=$BERTH_CONTAINERD_VERSION")
for cmd in containerd containerd-shim-runc-v2 ctr; do
  go_build "$containerd_dir" "$cmd" github.com/containerd/containerd/v2 "$BERTH_CONTAINERD_VERSION" \
    "github.com/containerd/containerd/v2/cmd/$cmd" "${ctr_flags[@]}"
done

go_build "$BERTH_CACHE/cri-tools/$BERTH_CRICTL_VERSION" crictl sigs.k8s.io/cri-tools "$BERTH_CRICTL_VERSION" \
  sigs.k8s.io/cri-tools/cmd/crictl -ldflags "-s -w -X sigs.k8s.io/cri-tools/pkg/version.Version=$BERTH_CRICTL_VERSION"

go_build "$BERTH_CACHE/kube-router/$BERTH_KUBE_ROUTER_VERSION" kube-router github.com/cloudnativelabs/kube-router/v2 \
  "$BERTH_KUBE_ROUTER_VERSION" github.com/cloudnativelabs/kube-router/v2/cmd/kube-router \
  -ldflags "-s -w -X github.com/cloudnativelabs/kube-router/v2/pkg/version.Version=$BERTH_KUBE_ROUTER_VERSION"

# The stack's image registry (dev/lib/registry.sh): distribution's reference registry.
go_build "$BERTH_CACHE/registry/$BERTH_REGISTRY_VERSION" registry github.com/distribution/distribution/v3 \
  "$BERTH_REGISTRY_VERSION" github.com/distribution/distribution/v3/cmd/registry \
  -ldflags "-s -w -X github.com/distribution/distribution/v3/version.version=$BERTH_REGISTRY_VERSION"

# CoreDNS with the plugins a cluster's DNS and the stack's test DNS (dev/lib/dns.sh) need and
# nothing else: its main wires the plugins in at compile time, so Berth's main names them, in
# the order in which they see a query (as in CoreDNS's own plugin.cfg). The list is kept beside
# the binary: a binary built with another list (an older cache) is built again.
coredns_plugins=(reload bind ready health errors log loadbalance cache rewrite template hosts kubernetes file loop forward)
coredns_dir="$BERTH_CACHE/coredns/$BERTH_COREDNS_VERSION"
if [[ ! -x "$coredns_dir/coredns" || "$(cat "$coredns_dir/plugins" 2>/dev/null)" != "${coredns_plugins[*]}" ]]; then
  mkdir -p "$coredns_dir" "$work/coredns"
  (
    cd "$work/coredns"
    go mod init berth.local/coredns >/dev/null 2>&1
    go mod edit -require="github.com/coredns/coredns@$BERTH_COREDNS_VERSION"
    {
      printf '// CoreDNS for Berth: only the plugins its Corefiles use.\npackage main\n\nimport (\n'
      printf '\t"github.com/coredns/coredns/core/dnsserver"\n\t"github.com/coredns/coredns/coremain"\n\n'
      for p in "${coredns_plugins[@]}"; do printf '\t_ "github.com/coredns/coredns/plugin/%s"\n' "$p"; done
      printf ')\n\nvar directives = []string{'
      for p in "${coredns_plugins[@]}"; do printf '"%s", ' "$p"; done
      printf '}\n\nfunc main() {\n\tdnsserver.Directives = directives\n\tcoremain.Run()\n}\n'
    } >main.go
    log "go build github.com/coredns/coredns@$BERTH_COREDNS_VERSION (plugins: ${coredns_plugins[*]})"
    CGO_ENABLED=0 go build -mod=mod -trimpath -ldflags "-s -w" -o "$coredns_dir/coredns.tmp" .
  ) || fail_build coredns "github.com/coredns/coredns@$BERTH_COREDNS_VERSION"
  mv "$coredns_dir/coredns.tmp" "$coredns_dir/coredns"
  echo "${coredns_plugins[*]}" >"$coredns_dir/plugins"
fi
# The shared gateway: Traefik, built inside a copy of its own module so that its go.mod's
# replace directives (forks of three libraries) apply, which they do not for a consumer module.
traefik_dir="$(dirname "$BERTH_TRAEFIK_BIN")"
if [[ ! -x "$traefik_dir/traefik" ]]; then
  mkdir -p "$traefik_dir"
  (
    cd "$work"
    src="$(go mod download -json "github.com/traefik/traefik/v3@$BERTH_TRAEFIK_VERSION" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')"
    cp -r "$src" "$work/traefik" && chmod -R u+w "$work/traefik"
    cd "$work/traefik"
    # Berth's changes to Traefik (dev/patches/traefik-<version>.patch, docs/development.md "Choices"):
    # its Kubernetes clients at 100 requests/s instead of client-go's 5 (it writes each route's status
    # before it applies a new routing table), and an HTTP router that finds a request's routes by its
    # host and adds a route without sorting all of them again (both linear in the routes before).
    # The patch's own test runs before the build; a patch that no longer applies stops the build.
    git apply -p1 "$BERTH_TRAEFIK_PATCH" ||
      fail "dev/patches/traefik-$BERTH_TRAEFIK_VERSION.patch does not apply to Traefik $BERTH_TRAEFIK_VERSION"
    go test ./pkg/muxer/http/ ./pkg/provider/kubernetes/k8s/ >/dev/null || fail "Traefik's router or event tests fail with $BERTH_TRAEFIK_PATCH"
    log "go build github.com/traefik/traefik/v3@$BERTH_TRAEFIK_VERSION (about 5 minutes the first time)"
    CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X github.com/traefik/traefik/v3/pkg/version.Version=$BERTH_TRAEFIK_VERSION" \
      -o "$traefik_dir/traefik.tmp" ./cmd/traefik
  ) || fail_build traefik "github.com/traefik/traefik/v3@$BERTH_TRAEFIK_VERSION"
  mv "$traefik_dir/traefik.tmp" "$traefik_dir/traefik"
fi

# The Gateway API's standard CRDs, from the module that defines them, as one file.
gateway_api_dir="$BERTH_CACHE/gateway-api/$BERTH_GATEWAY_API_VERSION"
if [[ ! -s "$gateway_api_dir/standard-install.yaml" ]]; then
  mkdir -p "$gateway_api_dir"
  (
    src="$(cd "$work" && go mod download -json "sigs.k8s.io/gateway-api@$BERTH_GATEWAY_API_VERSION" | python3 -c 'import json,sys; print(json.load(sys.stdin)["Dir"])')"
    for f in "$src"/config/crd/standard/*.yaml; do
      echo "---"
      cat "$f"
    done >"$gateway_api_dir/standard-install.yaml.tmp"
  ) || fail_build gateway-api "sigs.k8s.io/gateway-api@$BERTH_GATEWAY_API_VERSION"
  mv "$gateway_api_dir/standard-install.yaml.tmp" "$gateway_api_dir/standard-install.yaml"
fi

log "node programs built: containerd $BERTH_CONTAINERD_VERSION, crictl $BERTH_CRICTL_VERSION, kube-router $BERTH_KUBE_ROUTER_VERSION, CoreDNS $BERTH_COREDNS_VERSION, registry $BERTH_REGISTRY_VERSION, Traefik $BERTH_TRAEFIK_VERSION, Gateway API $BERTH_GATEWAY_API_VERSION CRDs"
