#!/usr/bin/env bash
# Workspace provisioning benchmark on the real control plane, through the real backend.
#   bench/workspaces.sh [latency-runs=200] [bulk=1000]
# Starts a dedicated stack (state .dev/bench, ports offset by 5000:
# below the kernel's ephemeral port range, so an outgoing connection never holds one), runs the benchmark,
# prints the results, and stops the stack. Results go to docs/benchmarks.md by hand.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export BERTH_STATE="$root/.dev/bench" BERTH_PORT_OFFSET=5000
export BERTH_TEST_STATE="$BERTH_STATE" BERTH_TEST_PORT_OFFSET=5000 BERTH_TEST_KEEP_STACK=1
rm -rf "$BERTH_STATE"
cd "$root"
./mvnw -q -B install -DskipTests -pl bench -am
trap '"$root/dev/stack" down >/dev/null 2>&1 || true' EXIT
# One benchmark user makes 1,200 workspaces and as many kubeconfigs: lift its per-account rate limits.
BERTH_RATE_LIMITS_WORKSPACE_CREATE=100000/PT1H BERTH_RATE_LIMITS_CREDENTIAL_ISSUE=100000/PT1H \
  BERTH_WORKSPACES_PUBLIC_URL=http://localhost:38080 "$root/dev/stack" up
./mvnw -q -B dependency:build-classpath -pl bench -Dmdep.outputFile="$BERTH_STATE/bench.classpath" >/dev/null
java -Dberth.root="$root" -cp "bench/target/classes:$(cat "$BERTH_STATE/bench.classpath")" \
  io.berth.bench.WorkspaceBench "${1:-200}" "${2:-1000}"
