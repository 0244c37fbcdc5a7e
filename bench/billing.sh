#!/usr/bin/env bash
# Billing benchmark: one rating run over N workspaces with an hour of samples each, through
# the real backend, and its replay. bench/billing.sh [N ...] (default 10000 100000).
# Starts a dedicated stack (state .dev/bench, ports offset by 5000:
# below the kernel's ephemeral port range, so an outgoing connection never holds one) and stops it afterwards.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export BERTH_STATE="$root/.dev/bench" BERTH_PORT_OFFSET=5000
export BERTH_TEST_STATE="$BERTH_STATE" BERTH_TEST_PORT_OFFSET=5000 BERTH_TEST_KEEP_STACK=1
rm -rf "$BERTH_STATE"
cd "$root"
./mvnw -q -B install -DskipTests -pl bench -am
trap '"$root/dev/stack" down >/dev/null 2>&1 || true' EXIT
# The benchmark's workspaces exist only in the database: keep the reconciler from provisioning them,
# and the hourly job from rating the same hours (and suspending the accounts) while the benchmark does.
BERTH_CLUSTER_RECONCILER_ENABLED=false BERTH_BILLING_JOBS_ENABLED=false "$root/dev/stack" up
./mvnw -q -B dependency:build-classpath -pl bench -Dmdep.outputFile="$BERTH_STATE/bench.classpath" >/dev/null
java -Dberth.root="$root" -cp "bench/target/classes:$(cat "$BERTH_STATE/bench.classpath")" \
  io.berth.bench.BillingBench "$@"
