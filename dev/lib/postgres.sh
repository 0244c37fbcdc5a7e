# PostgreSQL from the OS packages (Debian's postgresql 15 or newer), run as an
# unprivileged cluster in the state directory on loopback. Sourced by dev/stack.

PG_DATA="$BERTH_STATE/postgres"
PG_SUPERUSER=berth_admin
PG_APP_USER=berth
PG_APP_DB=berth
PG_KEYCLOAK_USER=keycloak
PG_KEYCLOAK_DB=keycloak
# The metering agents' login; its group gets INSERT on the sample tables from the schema's
# own grant (db/migrations/afterMigrate__metering_writer_grants.sql).
PG_AGENT_USER=berth_metering_agent
PG_AGENT_GROUP=berth_metering_writer

pg_bindir() {
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r) ; do
    [[ -x "$d/pg_ctl" && -x "$d/initdb" ]] && { echo "$d"; return 0; }
  done
  command -v pg_ctl >/dev/null 2>&1 && dirname "$(command -v pg_ctl)" && return 0
  return 1
}

postgres_tools_check() {
  PG_BIN="$(pg_bindir)" || fail "PostgreSQL server binaries (initdb, pg_ctl) not found. Fix: apt-get install postgresql (15 or newer)"
  require_tool psql "apt-get install postgresql-client"
}

# PostgreSQL refuses to run as root; as root we run it as the 'postgres' OS user,
# who must be able to reach the data directory.
as_pg() {
  if [[ $EUID -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

postgres_prepare_datadir() {
  if [[ $EUID -eq 0 ]]; then
    id postgres >/dev/null 2>&1 || fail "running as root needs the 'postgres' OS user. Fix: apt-get install postgresql"
    if [[ ! -e "$PG_DATA" ]]; then
      mkdir -p "$BERTH_STATE"
      if ! runuser -u postgres -- test -x "$BERTH_STATE"; then
        # The checkout lies under a directory the postgres user cannot enter (such as
        # /root); keep the cluster under /var/lib and link it from the state directory.
        local elsewhere="/var/lib/berth/$(echo -n "$BERTH_STATE" | sha1sum | cut -c1-12)/postgres"
        # A new state directory means a new cluster: drop what an earlier one left.
        rm -rf "$elsewhere"
        mkdir -p "$elsewhere"
        ln -sfn "$elsewhere" "$PG_DATA"
      else
        mkdir -p "$PG_DATA"
      fi
    fi
    chown postgres: "$(readlink -f "$PG_DATA")"
  else
    mkdir -p "$PG_DATA"
  fi
  chmod 700 "$(readlink -f "$PG_DATA")"
}

pg_psql() {
  PGPASSWORD="$(secret postgres-admin)" psql -h 127.0.0.1 -p "$PORT_POSTGRES" -U "$PG_SUPERUSER" -v ON_ERROR_STOP=1 -qAt "$@"
}

pg_ready() { pg_psql -d postgres -c 'select 1'; }

pg_ensure_role_db() {
  local user="$1" db="$2" password="$3"
  if [[ "$(pg_psql -d postgres -c "select 1 from pg_roles where rolname = '$user'")" != 1 ]]; then
    pg_psql -d postgres -c "create role $user login password '$password'"
  fi
  if [[ "$(pg_psql -d postgres -c "select 1 from pg_database where datname = '$db'")" != 1 ]]; then
    pg_psql -d postgres -c "create database $db owner $user"
  fi
}

postgres_up() {
  is_running postgres && return 0
  require_free_port "$PORT_POSTGRES" PostgreSQL
  postgres_prepare_datadir
  if [[ ! -s "$PG_DATA/PG_VERSION" ]]; then
    log "initialising PostgreSQL in $PG_DATA"
    local pwfile
    pwfile="$(mktemp)"
    secret postgres-admin >"$pwfile"
    chmod 644 "$pwfile"
    as_pg "$PG_BIN/initdb" -D "$(readlink -f "$PG_DATA")" -U "$PG_SUPERUSER" --pwfile="$pwfile" -A scram-sha-256 -E UTF8 \
      --locale=C.UTF-8 >>"$LOGS/postgres-init.log" 2>&1 ||
      { rm -f "$pwfile"; fail "initdb failed (see $LOGS/postgres-init.log)"; }
    rm -f "$pwfile"
  fi
  # The node agents connect from the stack's LAN (their pods leave masqueraded as the node).
  local hba
  hba="$(readlink -f "$PG_DATA")/pg_hba.conf"
  grep -q "^host all all $LAN_CIDR " "$hba" || echo "host all all $LAN_CIDR scram-sha-256" >>"$hba"
  # The PID recorded is the postmaster's; run in the foreground under spawn so that
  # `dev/down` stops it by that PID.
  local prefix=()
  [[ $EUID -eq 0 ]] && prefix=(runuser -u postgres --)
  spawn postgres "${prefix[@]}" "$PG_BIN/postgres" -D "$(readlink -f "$PG_DATA")" -p "$PORT_POSTGRES" -c listen_addresses="127.0.0.1,$HOST_IP" \
    -c unix_socket_directories= -c shared_buffers=256MB -c max_connections=200 -c timezone=UTC \
    -c max_wal_size=2GB -c log_min_messages=warning
  started+=(postgres)
  wait_until postgres 60 pg_ready
  pg_ensure_role_db "$PG_APP_USER" "$PG_APP_DB" "$(secret postgres-berth)"
  pg_ensure_role_db "$PG_KEYCLOAK_USER" "$PG_KEYCLOAK_DB" "$(secret postgres-keycloak)"
  if [[ "$(pg_psql -d postgres -c "select 1 from pg_roles where rolname = '$PG_AGENT_GROUP'")" != 1 ]]; then
    pg_psql -d postgres -c "create role $PG_AGENT_GROUP nologin"
  fi
  if [[ "$(pg_psql -d postgres -c "select 1 from pg_roles where rolname = '$PG_AGENT_USER'")" != 1 ]]; then
    pg_psql -d postgres -c "create role $PG_AGENT_USER login password '$(secret postgres-agent)' in role $PG_AGENT_GROUP"
  fi
}

postgres_down() {
  # A fast shutdown: SIGTERM alone would wait for every client to disconnect.
  if is_running postgres; then
    as_pg "$PG_BIN/pg_ctl" -D "$(readlink -f "$PG_DATA")" stop -m fast -w >/dev/null 2>&1 || true
  fi
  stop_component postgres
}
