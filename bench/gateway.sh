#!/usr/bin/env bash
# The shared gateway at scale (issue 15): route-live latency with 10,000 routes in place, failed
# requests on existing routes while 1,000 routes come and go, and throughput through the gateway
# against straight to the pod, in the same run.
#   bench/gateway.sh [routes=10000] [live-samples=100] [churn=1000]
# Runs on a dedicated one-node stack (bench/lib.sh) and stops it. Needs wrk (apt-get install wrk).
# Results go to docs/benchmarks.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
command -v wrk >/dev/null || { echo "bench: wrk is missing. Fix: apt-get install wrk" >&2; exit 1; }
export BERTH_NODES=1
bench_stack_up
echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, kernel $(uname -r)"
python3 "$root/bench/gateway.py" "$BERTH_STATE/stack.env" "${1:-10000}" "${2:-100}" "${3:-1000}"
