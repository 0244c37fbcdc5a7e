# The stack's test DNS: CoreDNS (the build of dev/lib/build-node.sh) on the loopback address,
# authoritative for the zone $BERTH_DNS_ZONE (example.test) from a zone file in $BERTH_STATE/dns.
# The backend checks custom domains' TXT challenges against it (BERTH_DOMAINS_DNS_SERVER), so
# verification is tested against a real DNS server; dev/dns adds and removes records. Dev and
# tests only: a deployment asks the public DNS (its resolver). Sourced by dev/stack.

BERTH_DNS_ZONE="${BERTH_DNS_ZONE:-example.test}"
DNS_DIR="$BERTH_STATE/dns"
DNS_ADDR="127.0.0.1:$PORT_DNS"
DNS_ZONE_FILE="$DNS_DIR/$BERTH_DNS_ZONE.zone"

dev_dns() { BERTH_STATE="$BERTH_STATE" BERTH_PORT_OFFSET="$BERTH_PORT_OFFSET" BERTH_DNS_ZONE="$BERTH_DNS_ZONE" "$BERTH_ROOT/dev/dns" "$@"; }

dns_ready() { dev_dns query "$BERTH_DNS_ZONE" SOA; }

dns_up() {
  is_running dns && return 0
  require_free_port "$PORT_DNS" "the test DNS"
  local coredns="$BERTH_CACHE/coredns/$BERTH_COREDNS_VERSION/coredns"
  [[ -x "$coredns" ]] || fail "$coredns is missing; dev/lib/build-node.sh builds it"
  mkdir -p "$DNS_DIR"
  # The zone outlives restarts (records a developer added stay); a fresh state starts empty.
  [[ -s "$DNS_ZONE_FILE" ]] || dev_dns init
  # `bind` keeps it off every other interface; the file plugin re-reads the zone when its
  # serial changes (dev/dns bumps it), checked every second.
  cat >"$DNS_DIR/Corefile" <<COREFILE
$BERTH_DNS_ZONE:$PORT_DNS {
    bind 127.0.0.1
    errors
    log
    file $DNS_ZONE_FILE $BERTH_DNS_ZONE {
        reload 1s
    }
}
COREFILE
  spawn dns "$coredns" -conf "$DNS_DIR/Corefile"
  started+=(dns)
  wait_until dns 30 dns_ready
}

dns_down() { stop_component dns; }
