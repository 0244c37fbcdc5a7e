#!/usr/bin/env bash
# Pods on a real node: create -> Running in a Berth workspace against a plain namespace,
# and the metering agent's footprint with many real pods.
#   bench/nodes.sh [pods-per-side=60] [agent-pods=100] [seconds=180]
# Starts a dedicated stack (state .dev/bench, ports offset by 5000, one node), runs both
# measurements, prints the results, and stops the stack. Results go to docs/benchmarks.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export BERTH_STATE="$root/.dev/bench" BERTH_PORT_OFFSET=5000 BERTH_NODES=1
export BERTH_TEST_STATE="$BERTH_STATE" BERTH_TEST_PORT_OFFSET=5000 BERTH_TEST_KEEP_STACK=1
rm -rf "$BERTH_STATE"
cd "$root"
./mvnw -q -B install -DskipTests -pl bench -am
trap '"$root/dev/stack" down >/dev/null 2>&1 || true' EXIT
BERTH_RATE_LIMITS_WORKSPACE_CREATE=100000/PT1H BERTH_RATE_LIMITS_CREDENTIAL_ISSUE=100000/PT1H \
  BERTH_WORKSPACES_PUBLIC_URL=http://localhost:13080 "$root/dev/stack" up
./mvnw -q -B dependency:build-classpath -pl bench -Dmdep.outputFile="$BERTH_STATE/bench.classpath" >/dev/null
run() {
  java -Dberth.root="$root" -cp "bench/target/classes:$(cat "$BERTH_STATE/bench.classpath")" io.berth.bench.NodeBench "$@"
}
echo "# $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB, kernel $(uname -r)"
run pods "${1:-60}"
run agent "${2:-100}" "${3:-180}"
