#!/usr/bin/env bash
# Workspace provisioning benchmark on the real control plane, through the real backend.
#   bench/workspaces.sh [latency-runs=200] [bulk=1000]
# Runs on a dedicated stack (bench/lib.sh), prints the results, and stops the stack.
# Results go to docs/benchmarks.md by hand.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# One benchmark user makes 1,200 workspaces and as many kubeconfigs: lift its per-account rate limits.
bench_stack_up BERTH_RATE_LIMITS_WORKSPACE_CREATE=100000/PT1H BERTH_RATE_LIMITS_CREDENTIAL_ISSUE=100000/PT1H
bench_java WorkspaceBench "${1:-200}" "${2:-1000}"
