# Keycloak from the keycloak-quarkus-dist zip on Maven Central, backed by the
# stack's PostgreSQL, with the realm from deploy/keycloak imported on first start.
# Sourced by dev/stack.

KC_DIST_CACHE="$BERTH_CACHE/keycloak/$BERTH_KEYCLOAK_VERSION"
KC_HOME="$BERTH_STATE/keycloak"
KEYCLOAK_URL="http://localhost:$PORT_KEYCLOAK"
DEMO_USER=demo
DEMO_PASSWORD=berth-demo
DEMO_ADMIN=admin
DEMO_ADMIN_PASSWORD=berth-admin
# A public client with the password grant, present only in the dev and test realm,
# so that scripts and tests can get tokens for the demo accounts.
DEV_CLI_CLIENT=berth-dev-cli

# Keycloak 26 supports Java 17 but prefers 21+; use a newer JDK when one is present.
keycloak_java_home() {
  local d
  for d in $(ls -d /usr/lib/jvm/* 2>/dev/null | sort -V -r); do
    [[ -x "$d/bin/java" ]] || continue
    local v
    v="$("$d/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.specification.version = //p')"
    [[ "${v%%.*}" -ge 21 ]] 2>/dev/null && { echo "$d"; return 0; }
  done
  [[ -n "${JAVA_HOME:-}" ]] && { echo "$JAVA_HOME"; return 0; }
  dirname "$(dirname "$(readlink -f "$(command -v java)")")"
}

keycloak_tools_check() {
  require_tool java "install a JDK 17 or newer (apt-get install openjdk-17-jdk-headless)"
  require_tool unzip "apt-get install unzip"
  require_tool python3 "apt-get install python3"
}

keycloak_fetch() {
  [[ -x "$KC_DIST_CACHE/bin/kc.sh" ]] && return 0
  log "fetching Keycloak $BERTH_KEYCLOAK_VERSION from Maven Central (about 170 MB, once)"
  local tmp
  tmp="$(mktemp -d)"
  "$BERTH_ROOT/mvnw" -q -B dependency:copy -Dartifact="org.keycloak:keycloak-quarkus-dist:$BERTH_KEYCLOAK_VERSION:zip" \
    -DoutputDirectory="$tmp" >"$tmp/mvn.log" 2>&1 ||
    { tail -n 20 "$tmp/mvn.log" >&2; rm -rf "$tmp"; fail "downloading org.keycloak:keycloak-quarkus-dist:$BERTH_KEYCLOAK_VERSION failed. Fix: check access to Maven Central, or set BERTH_KEYCLOAK_VERSION to a version it serves"; }
  unzip -q "$tmp"/keycloak-quarkus-dist-*.zip -d "$tmp/x"
  mkdir -p "$(dirname "$KC_DIST_CACHE")"
  rm -rf "$KC_DIST_CACHE"
  mv "$tmp/x/keycloak-$BERTH_KEYCLOAK_VERSION" "$KC_DIST_CACHE"
  rm -rf "$tmp"
}

# Each state directory gets its own Keycloak home: hard links into the cached
# distribution (no copy), with its own conf, data and import directory.
keycloak_home() {
  if [[ ! -x "$KC_HOME/bin/kc.sh" ]]; then
    rm -rf "$KC_HOME"
    mkdir -p "$(dirname "$KC_HOME")"
    cp -al "$KC_DIST_CACHE" "$KC_HOME" 2>/dev/null || cp -a "$KC_DIST_CACHE" "$KC_HOME"
  fi
  mkdir -p "$KC_HOME/data/import"
  python3 "$BERTH_ROOT/dev/keycloak/realm.py" "$BERTH_ROOT/deploy/keycloak/berth-realm.json" \
    "$BERTH_ROOT/dev/keycloak/dev-overlay.json" >"$KC_HOME/data/import/berth-realm.json" ||
    fail "building the realm import from deploy/keycloak/berth-realm.json failed"
}

keycloak_ready() { curl -sf "http://localhost:$PORT_KEYCLOAK_MGMT/health/ready" >/dev/null; }

keycloak_up() {
  is_running keycloak && return 0
  require_free_port "$PORT_KEYCLOAK" Keycloak
  require_free_port "$PORT_KEYCLOAK_MGMT" "Keycloak management"
  keycloak_fetch
  keycloak_home
  # Secrets go through the environment, never the command line (visible in ps).
  JAVA_HOME="$(keycloak_java_home)" \
    KC_DB=postgres KC_DB_URL="jdbc:postgresql://127.0.0.1:$PORT_POSTGRES/$PG_KEYCLOAK_DB" \
    KC_DB_USERNAME="$PG_KEYCLOAK_USER" KC_DB_PASSWORD="$(secret postgres-keycloak)" \
    KC_BOOTSTRAP_ADMIN_USERNAME=kcadmin KC_BOOTSTRAP_ADMIN_PASSWORD="$(secret keycloak-admin)" \
    BERTH_URL="http://localhost:$PORT_BACKEND" BERTH_OIDC_CLIENT_SECRET="$(secret oidc-client)" \
    BERTH_MAIL_HOST=127.0.0.1 BERTH_MAIL_PORT="$PORT_MAIL" \
    spawn keycloak "$KC_HOME/bin/kc.sh" start-dev --import-realm \
    --http-host 127.0.0.1 --http-port "$PORT_KEYCLOAK" --http-management-port "$PORT_KEYCLOAK_MGMT" --health-enabled=true \
    --hostname "$KEYCLOAK_URL"
  started+=(keycloak)
  # Its first start in a state directory augments the server and creates its schema: minutes on a busy
  # machine (over 7 with five stacks starting on two cores).
  wait_until keycloak 900 keycloak_ready
}

keycloak_down() { stop_component keycloak; }
