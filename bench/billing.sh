#!/usr/bin/env bash
# Billing benchmark: one rating run over N workspaces with an hour of samples each, through
# the real backend, and its replay. bench/billing.sh [N ...] (default 10000 100000).
# Runs on a dedicated stack (bench/lib.sh) and stops it afterwards.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# The benchmark's workspaces exist only in the database: keep the reconciler from provisioning them,
# and the hourly job from rating the same hours (and suspending the accounts) while the benchmark does.
bench_stack_up BERTH_CLUSTER_RECONCILER_ENABLED=false BERTH_BILLING_JOBS_ENABLED=false
bench_java BillingBench "$@"
