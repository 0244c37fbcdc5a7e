#!/usr/bin/env bash
# Pods on a real node: create -> Running in a Berth workspace against a plain namespace,
# and the metering agent's footprint with many real pods.
#   bench/nodes.sh [pods-per-side=60] [agent-pods=100] [seconds=180]
# Runs both measurements on a dedicated one-node stack (bench/lib.sh), prints the results,
# and stops the stack. Results go to docs/benchmarks.md.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
export BERTH_NODES=1
bench_stack_up BERTH_RATE_LIMITS_WORKSPACE_CREATE=100000/PT1H BERTH_RATE_LIMITS_CREDENTIAL_ISSUE=100000/PT1H
echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, kernel $(uname -r)"
source "$BERTH_STATE/stack.env"
metrics() { "$KUBECTL" --kubeconfig "$ADMIN_KUBECONFIG" get --raw /metrics; }
metrics > "$BERTH_STATE/apiserver-before.txt"
bench_java NodeBench pods "${1:-60}"
metrics > "$BERTH_STATE/apiserver-after.txt"
echo "# the API server's mean latency per request meanwhile (its /metrics before and after)"
"$root/bench/apiserver-latency.py" "$BERTH_STATE/apiserver-before.txt" "$BERTH_STATE/apiserver-after.txt" 25
bench_java NodeBench agent "${2:-100}" "${3:-180}"
