# The Kubernetes control plane: etcd, kube-apiserver, kube-controller-manager and
# kube-scheduler, with a private CA and service-account signing keys. etcd and the
# controllers listen on loopback; the API server on the host's address on the stack's
# LAN (network.sh), where the nodes and their pods reach it. Sourced by dev/stack.

KUBE_BIN="$(k8s_bin_dir)"
ADMIN_KUBECONFIG="$BERTH_STATE/admin.kubeconfig"
KUBE_API_URL="https://$HOST_IP:$PORT_APISERVER"
SERVICE_CIDR="10.96.0.0/16"
# The API's maximum for any service-account token; Berth asks for less (7 days by default).
SA_MAX_TOKEN_EXPIRATION="${BERTH_SA_MAX_TOKEN_EXPIRATION:-720h}"

kube_tools_check() {
  require_tool openssl "install OpenSSL (apt-get install openssl)"
  require_tool ss "install iproute2 (apt-get install iproute2)"
  require_tool curl "install curl (apt-get install curl)"
}

kube_build() {
  "$BERTH_ROOT/dev/lib/build-k8s.sh" || fail "building the Kubernetes control plane failed (see above)"
}

pki_cert() {
  # name, subject, extensions (or empty): a key and a certificate signed by the CA.
  local name="$1" subject="$2" ext="$3"
  [[ -s "$PKI/$name.crt" ]] && return 0
  openssl req -new -newkey rsa:2048 -nodes -keyout "$PKI/$name.key" -subj "$subject" -out "$PKI/$name.csr" 2>/dev/null
  if [[ -n "$ext" ]]; then
    printf '%s\n' "$ext" >"$PKI/$name.ext"
    openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
      -days 3650 -sha256 -extfile "$PKI/$name.ext" -out "$PKI/$name.crt" 2>/dev/null
  else
    openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -CAcreateserial \
      -days 3650 -sha256 -out "$PKI/$name.crt" 2>/dev/null
  fi
  rm -f "$PKI/$name.csr" "$PKI/$name.ext"
}

kube_pki() {
  mkdir -p "$PKI"
  chmod 700 "$PKI"
  if [[ ! -s "$PKI/ca.crt" ]]; then
    openssl req -x509 -new -newkey rsa:2048 -nodes -keyout "$PKI/ca.key" -subj "/CN=berth-dev-ca" \
      -days 3650 -sha256 -out "$PKI/ca.crt" 2>/dev/null
  fi
  # The apps CA signs each workspace's wildcard certificate (the backend issues them). It is
  # not the cluster's CA, and its name constraint keeps it to the apps domain: whoever
  # trusts it for the apps trusts it for nothing else.
  if [[ ! -s "$PKI/apps-ca.crt" ]]; then
    openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$PKI/apps-ca.key" \
      -subj "/CN=berth-dev-apps-ca" -days 3650 -sha256 -addext "basicConstraints=critical,CA:TRUE,pathlen:0" \
      -addext "keyUsage=critical,keyCertSign,cRLSign" -addext "nameConstraints=critical,permitted;DNS:.$BERTH_APPS_DOMAIN" \
      -out "$PKI/apps-ca.crt" 2>/dev/null || fail "creating the apps CA in $PKI failed (openssl)"
  fi
  # A certificate from before the stack had a LAN does not name the host's address on it.
  if [[ -s "$PKI/apiserver.crt" ]] && ! openssl x509 -in "$PKI/apiserver.crt" -noout -ext subjectAltName 2>/dev/null | grep -q "IP Address:$HOST_IP"; then
    rm -f "$PKI/apiserver.crt" "$PKI/apiserver.key"
  fi
  pki_cert apiserver "/CN=kube-apiserver" \
    "subjectAltName=IP:$HOST_IP,IP:127.0.0.1,IP:10.96.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local
extendedKeyUsage=serverAuth
keyUsage=digitalSignature,keyEncipherment"
  pki_cert admin "/O=system:masters/CN=berth-dev-admin" "extendedKeyUsage=clientAuth"
  pki_cert kcm "/CN=system:kube-controller-manager" "extendedKeyUsage=clientAuth"
  pki_cert scheduler "/CN=system:kube-scheduler" "extendedKeyUsage=clientAuth"
  # The API server's identity towards kubelets (logs, exec, port-forward).
  pki_cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client" "extendedKeyUsage=clientAuth"
  if [[ ! -s "$PKI/sa.key" ]]; then
    openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
    openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  fi
}

# A kubeconfig for this stack's API server; the user's credential lines follow "user:".
kubeconfig_with() {
  local file="$1" user="$2" credential="$3"
  (umask 077 && cat >"$file" <<KC
apiVersion: v1
kind: Config
clusters:
- name: berth-dev
  cluster:
    server: $KUBE_API_URL
    certificate-authority-data: $(base64 -w0 "$PKI/ca.crt")
users:
- name: $user
  user:
$credential
contexts:
- name: berth-dev
  context:
    cluster: berth-dev
    user: $user
current-context: berth-dev
KC
  )
}

# A client-certificate kubeconfig for a certificate made by pki_cert.
write_kubeconfig() {
  local file="$1" user="$2"
  kubeconfig_with "$file" "$user" "    client-certificate-data: $(base64 -w0 "$PKI/$user.crt")
    client-key-data: $(base64 -w0 "$PKI/$user.key")"
}

# A ServiceAccount token kubeconfig for a platform component that has its RBAC in deploy/;
# the token is re-issued on every start.
sa_kubeconfig() {
  local file="$1" namespace="$2" account="$3" token
  token="$("$KUBE_BIN/kubectl" --kubeconfig "$ADMIN_KUBECONFIG" -n "$namespace" create token "$account" \
    --duration "$SA_MAX_TOKEN_EXPIRATION")" || fail "could not issue a token for $namespace/$account (is deploy/ applied?)"
  kubeconfig_with "$file" "$account" "    token: $token"
}

apiserver_ready() {
  curl -sf --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" \
    "$KUBE_API_URL/readyz" >/dev/null
}

kube_ports() {
  is_running etcd || { require_free_port "$PORT_ETCD" etcd; require_free_port "$PORT_ETCD_PEER" "etcd peer"; }
  is_running kube-apiserver || require_free_port "$PORT_APISERVER" kube-apiserver
  is_running kube-controller-manager || require_free_port "$PORT_KCM" kube-controller-manager
  is_running kube-scheduler || require_free_port "$PORT_SCHEDULER" kube-scheduler
}

start_etcd() {
  is_running etcd && return 0
  mkdir -p "$BERTH_STATE/etcd"
  spawn etcd "$KUBE_BIN/etcd" --name berth --data-dir "$BERTH_STATE/etcd" \
    --listen-client-urls "http://127.0.0.1:$PORT_ETCD" --advertise-client-urls "http://127.0.0.1:$PORT_ETCD" \
    --listen-peer-urls "http://127.0.0.1:$PORT_ETCD_PEER" --initial-advertise-peer-urls "http://127.0.0.1:$PORT_ETCD_PEER" \
    --initial-cluster "berth=http://127.0.0.1:$PORT_ETCD_PEER" --listen-metrics-urls "" \
    --quota-backend-bytes 4294967296 --log-level warn
  started+=(etcd)
  wait_until etcd 60 curl -sf "http://127.0.0.1:$PORT_ETCD/health"
}

start_apiserver() {
  is_running kube-apiserver && return 0
  spawn kube-apiserver "$KUBE_BIN/kube-apiserver" \
    --etcd-servers "http://127.0.0.1:$PORT_ETCD" \
    --bind-address "$HOST_IP" --advertise-address "$HOST_IP" --secure-port "$PORT_APISERVER" \
    --tls-cert-file "$PKI/apiserver.crt" --tls-private-key-file "$PKI/apiserver.key" \
    --client-ca-file "$PKI/ca.crt" \
    --authorization-mode Node,RBAC --anonymous-auth=false \
    --enable-admission-plugins NodeRestriction,DenyServiceExternalIPs \
    --kubelet-client-certificate "$PKI/apiserver-kubelet-client.crt" \
    --kubelet-client-key "$PKI/apiserver-kubelet-client.key" \
    --kubelet-certificate-authority "$PKI/ca.crt" --kubelet-preferred-address-types InternalIP \
    --allow-privileged=true \
    --service-cluster-ip-range "$SERVICE_CIDR" \
    --service-account-issuer "https://kubernetes.default.svc.cluster.local" \
    --service-account-key-file "$PKI/sa.pub" --service-account-signing-key-file "$PKI/sa.key" \
    --service-account-max-token-expiration "$SA_MAX_TOKEN_EXPIRATION" \
    --service-account-extend-token-expiration=false \
    --profiling=false
  started+=(kube-apiserver)
  wait_until kube-apiserver 120 apiserver_ready
}

start_controller_manager() {
  is_running kube-controller-manager && return 0
  write_kubeconfig "$BERTH_STATE/kcm.kubeconfig" kcm
  spawn kube-controller-manager "$KUBE_BIN/kube-controller-manager" \
    --kubeconfig "$BERTH_STATE/kcm.kubeconfig" \
    --authentication-kubeconfig "$BERTH_STATE/kcm.kubeconfig" \
    --authorization-kubeconfig "$BERTH_STATE/kcm.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$PORT_KCM" \
    --leader-elect=false --use-service-account-credentials=true \
    --controllers '*' \
    --root-ca-file "$PKI/ca.crt" --service-account-private-key-file "$PKI/sa.key" \
    --cluster-signing-cert-file "$PKI/ca.crt" --cluster-signing-key-file "$PKI/ca.key" \
    --service-cluster-ip-range "$SERVICE_CIDR" --profiling=false
  started+=(kube-controller-manager)
  wait_until kube-controller-manager 90 curl -sfk "https://127.0.0.1:$PORT_KCM/healthz"
}

start_scheduler() {
  is_running kube-scheduler && return 0
  write_kubeconfig "$BERTH_STATE/scheduler.kubeconfig" scheduler
  spawn kube-scheduler "$KUBE_BIN/kube-scheduler" \
    --kubeconfig "$BERTH_STATE/scheduler.kubeconfig" \
    --authentication-kubeconfig "$BERTH_STATE/scheduler.kubeconfig" \
    --authorization-kubeconfig "$BERTH_STATE/scheduler.kubeconfig" \
    --bind-address 127.0.0.1 --secure-port "$PORT_SCHEDULER" --leader-elect=false --profiling=false
  started+=(kube-scheduler)
  wait_until kube-scheduler 90 curl -sfk "https://127.0.0.1:$PORT_SCHEDULER/healthz"
}

kube_up() {
  kube_pki
  write_kubeconfig "$ADMIN_KUBECONFIG" admin
  start_etcd
  start_apiserver
  start_controller_manager
  start_scheduler
  kube_bootstrap
  backend_kubeconfig
}

# The Gateway API's CRDs (built into the cache by dev/lib/build-node.sh), before deploy/cluster,
# whose guards and roles name their kinds.
gateway_api_crds() {
  local crds="$BERTH_CACHE/gateway-api/$BERTH_GATEWAY_API_VERSION/standard-install.yaml"
  [[ -s "$crds" ]] || fail "$crds is missing. Fix: dev/stack build"
  "$KUBE_BIN/kubectl" --kubeconfig "$ADMIN_KUBECONFIG" apply --server-side --force-conflicts -f "$crds" >>"$LOGS/bootstrap.log" 2>&1 ||
    { tail -n 20 "$LOGS/bootstrap.log" >&2; fail "applying the Gateway API CRDs failed (see $LOGS/bootstrap.log)"; }
  "$KUBE_BIN/kubectl" --kubeconfig "$ADMIN_KUBECONFIG" wait --for condition=Established --timeout 60s \
    crd/gateways.gateway.networking.k8s.io crd/httproutes.gateway.networking.k8s.io crd/grpcroutes.gateway.networking.k8s.io \
    >>"$LOGS/bootstrap.log" 2>&1 || fail "the Gateway API CRDs were not established within 60s (see $LOGS/bootstrap.log)"
}

# Cluster objects every Berth cluster carries, applied from deploy/ with the admin
# credential.
kube_bootstrap() {
  gateway_api_crds
  if [[ -d "$BERTH_ROOT/deploy/cluster" ]]; then
    "$KUBE_BIN/kubectl" --kubeconfig "$ADMIN_KUBECONFIG" apply --server-side --force-conflicts \
      -f "$BERTH_ROOT/deploy/cluster" -f "$BERTH_ROOT/deploy/network/10-policy-controller-rbac.yaml" >>"$LOGS/bootstrap.log" 2>&1 ||
      { tail -n 20 "$LOGS/bootstrap.log" >&2; fail "applying deploy/cluster to the control plane failed (see $LOGS/bootstrap.log)"; }
  fi
}

kube_down() {
  stop_component kube-scheduler
  stop_component kube-controller-manager
  stop_component kube-apiserver
  stop_component etcd
}
