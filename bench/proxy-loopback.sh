#!/usr/bin/env bash
# The proxy's own cost per request, without Kubernetes: on loopback, the demo server alone against the demo server
# behind Berth's Traefik build (standard proxy, then its fasthttp-based one) and, when installed, Debian's HAProxy
# (apt-get install haproxy) and nginx (apt-get install nginx-light), the leanest proxies at hand. Each proxied run
# is paired with a run straight to the server just before it, because this machine is noisy; the ratio is what
# counts. Needs wrk and the stack's build (dev/stack build).
#
# Placement "shared" (the default) lets the client, the server and the proxy share both cores, as they do in the
# stack. "pinned" puts the client and the server on core 0 and the proxy alone on core 1, the way a gateway runs on
# nodes of its own: the direct run then has core 0 only, so the ratio says whether a proxy with a core to itself keeps
# up with one app and its client.
#
#   bench/proxy-loopback.sh [seconds per run, default 6] [rounds, default 2] [shared|pinned, default shared]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../dev/lib/common.sh
source "$root/dev/lib/common.sh"
seconds="${1:-6}" rounds="${2:-2}" placement="${3:-shared}"
case "$placement" in
  shared) app=() proxy=() workers=2 ;;
  pinned) app=(taskset -c 0) proxy=(taskset -c 1) workers=1 ;;
  *) echo "proxy-loopback: placement must be shared or pinned, not '$placement'" >&2; exit 2 ;;
esac
command -v wrk >/dev/null || { echo "proxy-loopback: wrk is missing; apt-get install wrk" >&2; exit 1; }
[ -x "$BERTH_TRAEFIK_BIN" ] || { echo "proxy-loopback: no Traefik at $BERTH_TRAEFIK_BIN; run dev/stack build" >&2; exit 1; }
demo="$(ls -t "$BERTH_CACHE"/images/*/bin/berth-demo 2>/dev/null | head -1)"
[ -x "$demo" ] || { echo "proxy-loopback: no berth-demo under $BERTH_CACHE/images; run dev/stack build" >&2; exit 1; }

# Ports below the kernel's ephemeral range, moved by the bench offset like the bench stacks' (bench/lib.sh), and
# checked free first: a stack's backend or another bench may hold some.
off="${BERTH_PORT_OFFSET:-5000}"
p_server=$((7180 + off)) p_traefik=$((7181 + off)) p_fast=$((7182 + off)) p_haproxy=$((7183 + off)) p_nginx=$((7184 + off))
for p in "$p_server" "$p_traefik" "$p_fast" "$p_haproxy" "$p_nginx" $((p_traefik + 100)) $((p_fast + 100)); do
  require_free_port "$p" "bench/proxy-loopback.sh"
done

work="$(mktemp -d)"
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT
server=127.0.0.1:$p_server
cat >"$work/routes.yml" <<EOF
http:
  routers:
    a: {rule: "Host(\`a.test\`)", entryPoints: [web], service: demo}
  services:
    demo: {loadBalancer: {servers: [{url: "http://$server"}]}}
EOF
cat >"$work/haproxy.cfg" <<EOF
global
  nbthread $workers
defaults
  mode http
  timeout connect 5s
  timeout client 30s
  timeout server 30s
frontend web
  bind 127.0.0.1:$p_haproxy
  use_backend demo if { req.hdr(host) -i a.test }
backend demo
  http-reuse always
  server s1 $server
EOF

# nginx as a plain reverse proxy with kept-alive upstream connections and, like the others, no access log.
cat >"$work/nginx.conf" <<EOF
daemon off;
worker_processes $workers;
pid $work/nginx.pid;
error_log $work/nginx-error.log error;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx-body;
  proxy_temp_path $work/nginx-proxy;
  upstream demo { server $server; keepalive 32; }
  server {
    listen 127.0.0.1:$p_nginx;
    server_name a.test;
    location / { proxy_pass http://demo; proxy_http_version 1.1; proxy_set_header Connection ""; proxy_buffering off; }
  }
}
EOF

"${app[@]}" "$demo" serve -listen "$server" >"$work/demo.log" 2>&1 & pids+=($!)
traefik() { # traefik PORT [flags]: as deployed (GOGC=400, Prometheus metrics on), one file-provider route
  GOGC=400 "${proxy[@]}" "$BERTH_TRAEFIK_BIN" --entrypoints.web.address=127.0.0.1:"$1" --entrypoints.metrics.address=127.0.0.1:$(($1 + 100)) \
    --metrics.prometheus=true --metrics.prometheus.entrypoint=metrics --metrics.prometheus.addentrypointslabels=true \
    --metrics.prometheus.addserviceslabels=true --providers.file.filename="$work/routes.yml" --log.level=ERROR \
    "${@:2}" >"$work/traefik-$1.log" 2>&1 & pids+=($!)
}
traefik "$p_traefik"
traefik "$p_fast" --experimental.fastProxy=true
proxies=("traefik:$p_traefik" "traefik-fastproxy:$p_fast")
if command -v haproxy >/dev/null; then
  "${proxy[@]}" haproxy -f "$work/haproxy.cfg" -db >"$work/haproxy.log" 2>&1 & pids+=($!)
  proxies+=("haproxy:$p_haproxy")
fi
nginx="$(command -v nginx || ls /usr/sbin/nginx 2>/dev/null || true)"
if [ -n "$nginx" ]; then
  "${proxy[@]}" "$nginx" -c "$work/nginx.conf" -e "$work/nginx-error.log" >"$work/nginx.log" 2>&1 & pids+=($!)
  proxies+=("nginx:$p_nginx")
fi
sleep 3

rps() { "${app[@]}" wrk -t1 -c16 -d"${seconds}s" "$@" | awk '/Requests\/sec/ {print $2}'; }
echo "# $(date -u +%FT%TZ) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), wrk -t1 -c16 -d${seconds}s, placement $placement"
printf '%-18s %-14s %12s %12s %7s\n' proxy path direct proxied ratio
for path in /healthz /bytes/65536; do
  for p in "${proxies[@]}"; do
    for _ in $(seq "$rounds"); do
      d="$(rps "http://$server$path")"
      g="$(rps -H 'Host: a.test' "http://127.0.0.1:${p#*:}$path")"
      printf '%-18s %-14s %12s %12s %7.2f\n' "${p%%:*}" "$path" "$d" "$g" "$(awk -v g="$g" -v d="$d" 'BEGIN {print g / d}')"
    done
  done
done
