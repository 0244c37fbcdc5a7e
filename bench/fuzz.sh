#!/usr/bin/env bash
# API fuzz: schemathesis (PyPI, pinned below) generates requests from the backend's own /q/openapi and sends them to
# a real stack; the bar is zero 5xx (check not_a_server_error; the conformance checks are reported, not the bar).
#   bench/fuzz.sh [max examples per operation, default 30]
# Runs a dedicated stack with its backend (state $BERTH_STATE, default .dev/fuzz; ports offset by $BERTH_PORT_OFFSET,
# default 5000) and stops it afterwards. Two runs: the user API with a real Berth API token of the demo user (scopes
# read, workspaces, billing), then the admin API with the demo admin's Keycloak token (API tokens never reach it).
# Schemathesis goes to a venv under ~/.cache/berth; reports (JUnit, NDJSON) to $BERTH_STATE/fuzz.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export BERTH_STATE="${BERTH_STATE:-$root/.dev/fuzz}" BERTH_PORT_OFFSET="${BERTH_PORT_OFFSET:-5000}"
examples="${1:-30}"
version=4.32.5
venv="$HOME/.cache/berth/schemathesis/$version"
log() { printf '[fuzz] %s\n' "$*" >&2; }

if [[ ! -x "$venv/bin/schemathesis" ]]; then
  log "installing schemathesis $version into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "schemathesis==$version"
fi

cd "$root"
if [[ "${BERTH_FUZZ_REUSE_STACK:-0}" != 1 ]]; then
  rm -rf "$BERTH_STATE"
  ./mvnw -q -B install -DskipTests -pl backend -am
  trap '"$root/dev/stack" down >/dev/null 2>&1 || true' EXIT
  # A payment provider configured, so the webhook judges signatures (without one it answers 503 by design).
  env BERTH_BILLING_WEBHOOK_SECRET="$(openssl rand -hex 24)" "$root/dev/stack" up
fi
env_file="$BERTH_STATE/stack.env"
get() { grep "^$1=" "$env_file" | cut -d= -f2-; }
base="$(get BERTH_URL)"
token_url="$(get KEYCLOAK_URL)/realms/$(get KEYCLOAK_REALM)/protocol/openid-connect/token"
keycloak_token() {
  curl -fsS "$token_url" -d grant_type=password -d scope=openid --data-urlencode "client_id=$(get DEV_CLI_CLIENT)" \
    --data-urlencode "username=$1" --data-urlencode "password=$2" | python3 -c 'import json,sys; print(json.load(sys.stdin)["access_token"])'
}
user="$(keycloak_token "$(get DEMO_USER)" "$(get DEMO_PASSWORD)")"
curl -fsS -o /dev/null -H "Authorization: Bearer $user" "$base/api/v1/me"
expires="$(date -u -d '+30 days' +%Y-%m-%dT%H:%M:%SZ)"
pat="$(curl -fsS -H "Authorization: Bearer $user" -H 'Content-Type: application/json' "$base/api/v1/me/tokens" \
  -d "{\"name\":\"fuzz $(date -u +%s)\",\"scopes\":[\"read\",\"workspaces\",\"billing\"],\"expiresAt\":\"$expires\"}" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')"

reports="$BERTH_STATE/fuzz"
mkdir -p "$reports"
common=(--checks all --exclude-checks ignored_auth,positive_data_acceptance,negative_data_rejection
  --max-examples "$examples" --workers 2 --seed 12 --request-timeout 30 --continue-on-failure
  --suppress-health-check all --warnings off --report junit,ndjson --report-dir "$reports")
# Conformance findings (schemathesis' own exit code) are reported; the bar is the 5xx count below.
log "user API with an API token ($examples examples per operation)"
"$venv/bin/schemathesis" run "$base/q/openapi?format=json" "${common[@]}" \
  --exclude-path-regex '^/api/v1/admin/' --header "Authorization: Bearer $pat" \
  --report-junit-path "$reports/user.xml" --report-ndjson-path "$reports/user.ndjson" | tee "$reports/user.txt" || true
log "admin API with the demo admin's access token"
FUZZ_STACK_ENV="$env_file" SCHEMATHESIS_HOOKS=fuzz_auth PYTHONPATH="$root/bench" \
  "$venv/bin/schemathesis" run "$base/q/openapi?format=json" "${common[@]}" \
  --include-path-regex '^/api/v1/admin/' \
  --report-junit-path "$reports/admin.xml" --report-ndjson-path "$reports/admin.ndjson" | tee "$reports/admin.txt" || true

# The bar: no answer of the backend was a 5xx, in either run.
fivexx="$(cat "$reports"/user.ndjson "$reports"/admin.ndjson | python3 "$root/bench/fuzz_count.py")"
log "$fivexx"
if grep -q "Server error" "$reports/user.txt" "$reports/admin.txt"; then
  log "schemathesis' not_a_server_error check failed"
  exit 1
fi
case "$fivexx" in *", 0 5xx;"*) exit 0 ;; *) exit 1 ;; esac
