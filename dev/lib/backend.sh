# The Berth backend, built with the Maven Wrapper and run from its Quarkus jar with
# the stack's settings. Sourced by dev/stack.

BACKEND_JAR="$BERTH_ROOT/backend/target/quarkus-app/quarkus-run.jar"
BACKEND_KUBECONFIG="$BERTH_STATE/backend.kubeconfig"
BERTH_URL="http://localhost:$PORT_BACKEND"

backend_build() {
  local stale=0
  if [[ ! -f "$BACKEND_JAR" ]]; then
    stale=1
  elif [[ -n "$(find "$BERTH_ROOT/pom.xml" "$BERTH_ROOT/backend/pom.xml" "$BERTH_ROOT/backend/src/main" \
    "$BERTH_ROOT/frontend" "$BERTH_ROOT/db/migrations" -newer "$BACKEND_JAR" -type f -not -path '*/target/*' -print -quit)" ]]; then
    stale=1
  fi
  ((stale)) || return 0
  log "building the backend (./mvnw package -DskipTests)"
  (cd "$BERTH_ROOT" && ./mvnw -q -B package -DskipTests -pl backend -am) >"$LOGS/backend-build.log" 2>&1 ||
    { tail -n 30 "$LOGS/backend-build.log" >&2; fail "building the backend failed (see $LOGS/backend-build.log). Fix the error above, then run dev/up again"; }
}

# The backend talks to Kubernetes as its own ServiceAccount (RBAC in deploy/cluster),
# never as the admin.
backend_kubeconfig() {
  sa_kubeconfig "$BACKEND_KUBECONFIG" berth-system berth-backend
}

backend_ready() { curl -sf "$BERTH_URL/q/health/ready" >/dev/null; }

# The settings the backend needs to reach this stack, as Quarkus environment
# variables; the test suite reads the same values from stack.env.
# The backend listens on loopback only (Quarkus' own default in a jar is every interface); BERTH_BACKEND_HOST
# (e.g. 0.0.0.0) opens it to the network. The top-up webhook's secret is generated like the others (dev/topup signs
# test events with it).
backend_env() {
  cat <<ENV
QUARKUS_HTTP_HOST=${BERTH_BACKEND_HOST:-127.0.0.1}
QUARKUS_HTTP_PORT=$PORT_BACKEND
QUARKUS_DATASOURCE_JDBC_URL=jdbc:postgresql://127.0.0.1:$PORT_POSTGRES/$PG_APP_DB
QUARKUS_DATASOURCE_USERNAME=$PG_APP_USER
QUARKUS_DATASOURCE_PASSWORD=$(secret postgres-berth)
QUARKUS_OIDC_AUTH_SERVER_URL=$KEYCLOAK_URL/realms/$BERTH_KEYCLOAK_REALM
QUARKUS_OIDC_CREDENTIALS_SECRET=$(secret oidc-client)
BERTH_CLUSTER_KUBECONFIG=$BACKEND_KUBECONFIG
BERTH_KUBECONFIG_SERVER=$KUBE_API_URL
BERTH_KUBECONFIG_CA_FILE=$PKI/ca.crt
BERTH_WORKSPACES_PUBLIC_URL=$BERTH_URL
BERTH_BILLING_WEBHOOK_SECRET=$(secret topup-webhook)
QUARKUS_MAILER_HOST=127.0.0.1
QUARKUS_MAILER_PORT=$PORT_MAIL
BERTH_NOTICES_EMAIL=true
BERTH_APPS_DOMAIN=$BERTH_APPS_DOMAIN
BERTH_APPS_CA_CERT_FILE=$PKI/apps-ca.crt
BERTH_APPS_CA_KEY_FILE=$PKI/apps-ca.key
ENV
}

backend_up() {
  is_running backend && return 0
  require_free_port "$PORT_BACKEND" "the Berth backend"
  backend_build
  local envs=()
  mapfile -t envs < <(backend_env)
  spawn backend env "${envs[@]}" java -jar "$BACKEND_JAR"
  started+=(backend)
  wait_until backend 120 backend_ready
}

backend_down() { stop_component backend; }
