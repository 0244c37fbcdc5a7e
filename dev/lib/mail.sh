# The stack's mail sink (dev/lib/mail-sink.py): an SMTP server on the loopback address that
# delivers nothing and keeps every message as a file in $BERTH_STATE/mail/new, so that
# Keycloak's sign-up verification and password mails and the backend's notices can be read
# (dev/mail) and tested end to end. Dev and tests only: a deployment names a real mail server.
# Sourced by dev/stack.

MAIL_DIR="$BERTH_STATE/mail"
MAIL_ADDR="127.0.0.1:$PORT_MAIL"

mail_ready() { (exec 3<>"/dev/tcp/127.0.0.1/$PORT_MAIL") 2>/dev/null; }

mail_up() {
  is_running mail && return 0
  require_free_port "$PORT_MAIL" "the mail sink"
  spawn mail python3 "$BERTH_ROOT/dev/lib/mail-sink.py" --listen "$MAIL_ADDR" --maildir "$MAIL_DIR"
  started+=(mail)
  wait_until mail 30 mail_ready
}

mail_down() { stop_component mail; }
