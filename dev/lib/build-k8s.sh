#!/usr/bin/env bash
# Builds the Kubernetes binaries (control plane: kube-apiserver, kube-controller-manager,
# kube-scheduler, kubectl; node: kubelet, kube-proxy) and etcd from their Go modules into
# $BERTH_CACHE/k8s/<version>, once. No prebuilt binary is downloaded:
# everything comes from the Go module proxy and is compiled here.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"

K8S_VERSION="${BERTH_K8S_VERSION:-v1.36.3}"
ETCD_VERSION="${BERTH_ETCD_VERSION:-v3.6.8}"
OUT="$(k8s_bin_dir)"
K8S_COMMANDS=(kube-apiserver kube-controller-manager kube-scheduler kubectl kubelet kube-proxy)
BINARIES=("${K8S_COMMANDS[@]}" etcd)

all_built() {
  for b in "${BINARIES[@]}"; do [[ -x "$OUT/$b" ]] || return 1; done
}

if all_built; then
  log "Kubernetes $K8S_VERSION and etcd $ETCD_VERSION already built in $OUT"
  exit 0
fi

require_tool go "install Go 1.26 or newer (https://go.dev/doc/install or your OS package manager)"

staging_version="v0.${K8S_VERSION#v1.}"
work="$(mktemp -d "${TMPDIR:-/tmp}/berth-k8s-build.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$OUT"
log "building Kubernetes $K8S_VERSION (staging $staging_version) and etcd $ETCD_VERSION into $OUT"
log "the first build compiles a few thousand Go packages: expect 20-40 minutes on 2 cores"

fail_build() {
  fail "the Go build of $1 failed (log above). Check that the Go module proxy is reachable (go env GOPROXY) and that Go is new enough for Kubernetes $K8S_VERSION (see its go.mod); then run dev/up again"
}

# k8s.io/kubernetes points its staging modules at ./staging; a consumer must replace
# each with the published v0.x tag. Read the list from that release's own go.mod so
# the script follows whatever modules a release adds.
mkdir -p "$work/k8s"
cd "$work/k8s"
go mod init berth.local/k8s-build >/dev/null 2>&1
gomod_file="$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" 2>/dev/null | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p' || true)"
[[ -f "$gomod_file" ]] || fail "could not download k8s.io/kubernetes@$K8S_VERSION from the Go module proxy; check network access to $(go env GOPROXY)"
go mod edit -require="k8s.io/kubernetes@$K8S_VERSION"
mapfile -t staging < <(sed -n 's#^[[:space:]]*\(k8s\.io/[a-z0-9-]*\) => \./staging/.*#\1#p' "$gomod_file")
[[ ${#staging[@]} -gt 10 ]] || fail "found only ${#staging[@]} staging modules in $gomod_file; the release layout changed"
for m in "${staging[@]}"; do
  go mod edit -replace="$m=$m@$staging_version"
done
# go.mod of kubernetes names its go version; use it so the toolchain check is explicit.
go mod edit -go="$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$gomod_file")"
cat > tools.go <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kubectl"
	_ "k8s.io/kubernetes/cmd/kubelet"
	_ "k8s.io/kubernetes/cmd/kube-proxy"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
)
GO
go mod tidy -e >/dev/null 2>&1 || true
go mod edit -require="k8s.io/kubernetes@$K8S_VERSION"
ldflags="-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$(echo "$K8S_VERSION" | cut -d. -f2) -X k8s.io/component-base/version.gitTreeState=clean"
for cmd in "${K8S_COMMANDS[@]}"; do
  [[ -x "$OUT/$cmd" ]] && continue
  log "go build $cmd"
  go build -mod=mod -trimpath -ldflags "$ldflags" -o "$OUT/$cmd.tmp" "k8s.io/kubernetes/cmd/$cmd" || fail_build "$cmd"
  mv "$OUT/$cmd.tmp" "$OUT/$cmd"
done

if [[ ! -x "$OUT/etcd" ]]; then
  mkdir -p "$work/etcd"
  cd "$work/etcd"
  go mod init berth.local/etcd-build >/dev/null 2>&1
  go mod edit -require="go.etcd.io/etcd/server/v3@$ETCD_VERSION"
  log "go build etcd"
  go build -mod=mod -trimpath -ldflags "-s -w" -o "$OUT/etcd.tmp" go.etcd.io/etcd/server/v3 || fail_build etcd
  mv "$OUT/etcd.tmp" "$OUT/etcd"
fi
log "built: $(ls "$OUT" | tr '\n' ' ')"
