# shellcheck shell=bash
# A real Kubernetes API server (no nodes, no controllers): kube-apiserver, kubectl and etcd 3.5+ built
# from their Go modules (scripts/services/kubernetes/go.mod pins k8s.io/kubernetes, its k8s.io/*
# staging modules and go.etcd.io/etcd/server/v3). See docs/decisions/0032-kubernetes-api-server-service.md.
# API https://127.0.0.1:$KUBERNETES_PORT (16443), admin = client certificate (O=system:masters),
# kubeconfig $DP_STATE/kubernetes/kubeconfig. Its own etcd: client 23891, peer 23892.

KUBERNETES_VERSION=1.37.2
KUBERNETES_PORT="${DATAPIPE_KUBERNETES_PORT:-16443}"
KUBERNETES_ETCD_PORT="${DATAPIPE_KUBERNETES_ETCD_PORT:-23891}"
KUBERNETES_ETCD_PEER_PORT="${DATAPIPE_KUBERNETES_ETCD_PEER_PORT:-23892}"
KUBERNETES_BIN="$DP_CACHE/kubernetes-$KUBERNETES_VERSION/bin"

kubernetes_addr() { echo "https://$DP_HOST:$KUBERNETES_PORT"; }
# etcd's ports are ours (not a conflict) while the etcd we started runs.
kubernetes_ports() {
  if svc_pid kubernetes-etcd >/dev/null; then
    echo "$KUBERNETES_PORT"
  else
    echo "$KUBERNETES_PORT $KUBERNETES_ETCD_PORT $KUBERNETES_ETCD_PEER_PORT"
  fi
}
kubernetes_timeout() { echo 120; }


# The version the release build stamps (hack/lib/version.sh); without it the binaries say v0.0.0-master
# and kubectl refuses to parse its own version.
kubernetes_version_ldflags() {
  local v="v$KUBERNETES_VERSION" minor p
  minor="${KUBERNETES_VERSION#*.}"
  minor="${minor%%.*}"
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    printf ' -X %s.gitVersion=%s -X %s.gitMajor=1 -X %s.gitMinor=%s -X %s.gitTreeState=clean' "$p" "$v" "$p" "$p" "$minor" "$p"
  done
}

# One `go build` for the three binaries (the scheduler overlaps etcd's packages with the others' links),
# stripped (-s -w: nothing reads their symbols). `npm test` runs this in the background from its start
# (scripts/test.sh); see docs/decisions/0075-cold-test-run.md for the cold timings.
kubernetes_install() {
  command -v openssl >/dev/null 2>&1 || apt_install openssl
  command -v curl >/dev/null 2>&1 || apt_install curl
  [ -x "$KUBERNETES_BIN/kube-apiserver" ] && [ -x "$KUBERNETES_BIN/etcd" ] && [ -x "$KUBERNETES_BIN/kubectl" ] &&
    return 0
  local tmp t0=$SECONDS
  # under services.sh's install lock: a leftover is from an interrupted build
  rm -rf "$DP_CACHE"/.kubernetes-build.*
  tmp="$(mktemp -d "$DP_CACHE/.kubernetes-build.XXXXXX")"
  say "kubernetes: building kube-apiserver, kubectl $KUBERNETES_VERSION and etcd from the Go modules (once; ~12 min on 2 cores, 622 s of CPU)"
  if ! (cd "$DP_SERVICES_DIR/kubernetes" &&
    dp_go build -mod=readonly -ldflags="-s -w $(kubernetes_version_ldflags)" -o "$tmp/" \
      k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kubectl go.etcd.io/etcd/server/v3) >"$tmp/build.log" 2>&1; then
    tail -n 30 "$tmp/build.log" >&2
    rm -rf "$tmp"
    die "kubernetes: go build failed"
  fi
  # go names the binary of go.etcd.io/etcd/server/v3 after its last element before the major version
  mv "$tmp/server" "$tmp/etcd"
  # The CRD modules the apply test installs (test/support/platform-crds.ts fetches any still missing).
  local crds
  mapfile -t crds < <(awk '!/^#/ && NF { print $2 "@" $3 }' "$DP_SERVICES_DIR/kubernetes/crd-sources.txt")
  (cd "$DP_CACHE" && dp_go mod download "${crds[@]}") >>"$tmp/build.log" 2>&1 ||
    say "kubernetes: go mod download of the CRD modules failed (the apply test fetches them itself): $(tail -n 3 "$tmp/build.log")"
  mkdir -p "$(dirname "$KUBERNETES_BIN")"
  rm -f "$tmp/build.log"
  rm -rf "$KUBERNETES_BIN"
  mv "$tmp" "$KUBERNETES_BIN"
  say "kubernetes: built in $((SECONDS - t0))s into $KUBERNETES_BIN"
}

# kubernetes_pki DIR: a CA, the server certificate (127.0.0.1, localhost), the admin client
# certificate (CN=datapipe-admin, O=system:masters), the service-account signing key; generated once.
kubernetes_pki() {
  local d="$1"
  [ -s "$d/admin.crt" ] && return 0
  mkdir -p "$d"
  (
    umask 077
    cd "$d"
    openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=datapipe-test-kubernetes-ca" \
      -keyout ca.key -out ca.crt 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/CN=kube-apiserver" -keyout server.key -out server.csr 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n' >server.ext
    openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -extfile server.ext \
      -out server.crt 2>/dev/null
    openssl req -newkey rsa:2048 -nodes -subj "/O=system:masters/CN=datapipe-admin" -keyout admin.key -out admin.csr \
      2>/dev/null
    printf 'extendedKeyUsage=clientAuth\n' >admin.ext
    openssl x509 -req -in admin.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 3650 -extfile admin.ext \
      -out admin.crt 2>/dev/null
    openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out sa.key 2>/dev/null
    openssl pkey -in sa.key -pubout -out sa.pub 2>/dev/null
    rm -f ./*.csr ./*.ext ca.srl
  )
}

kubernetes_kubeconfig() {
  local d="$1"
  (
    umask 077
    cat >"$d/kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: datapipe-test
  cluster:
    server: $(kubernetes_addr)
    certificate-authority: $d/pki/ca.crt
users:
- name: datapipe-admin
  user:
    client-certificate: $d/pki/admin.crt
    client-key: $d/pki/admin.key
contexts:
- name: datapipe-test
  context: {cluster: datapipe-test, user: datapipe-admin}
current-context: datapipe-test
EOF
  )
}

kubernetes_start() {
  local d="$DP_STATE/kubernetes" i
  mkdir -p "$d/etcd"
  chmod 700 "$d" "$d/etcd"
  kubernetes_pki "$d/pki"
  kubernetes_kubeconfig "$d"
  if ! svc_pid kubernetes-etcd >/dev/null; then
    spawn kubernetes-etcd "$KUBERNETES_BIN/etcd" --name datapipe-k8s --data-dir "$d/etcd" \
      --listen-client-urls "http://$DP_HOST:$KUBERNETES_ETCD_PORT" \
      --advertise-client-urls "http://$DP_HOST:$KUBERNETES_ETCD_PORT" \
      --listen-peer-urls "http://$DP_HOST:$KUBERNETES_ETCD_PEER_PORT" \
      --initial-advertise-peer-urls "http://$DP_HOST:$KUBERNETES_ETCD_PEER_PORT" \
      --initial-cluster "datapipe-k8s=http://$DP_HOST:$KUBERNETES_ETCD_PEER_PORT" --initial-cluster-state new \
      --listen-metrics-urls "" --log-level warn || return 1
  fi
  for ((i = 0; i < 60; i++)); do
    curl -fsS --max-time 2 "http://$DP_HOST:$KUBERNETES_ETCD_PORT/health" >/dev/null 2>&1 && break
    sleep 0.5
  done
  # No nodes and no controller-manager: the endpoint reconciler is off (its address would be loopback).
  # Privileged pods are allowed, as on a kubeadm cluster: Pod Security admission is what refuses them.
  spawn kubernetes "$KUBERNETES_BIN/kube-apiserver" \
    --etcd-servers "http://$DP_HOST:$KUBERNETES_ETCD_PORT" \
    --bind-address "$DP_HOST" --advertise-address "$DP_HOST" --secure-port "$KUBERNETES_PORT" \
    --tls-cert-file "$d/pki/server.crt" --tls-private-key-file "$d/pki/server.key" \
    --client-ca-file "$d/pki/ca.crt" --authorization-mode RBAC \
    --service-account-issuer https://kubernetes.default.svc --service-account-key-file "$d/pki/sa.pub" \
    --service-account-signing-key-file "$d/pki/sa.key" --api-audiences https://kubernetes.default.svc \
    --service-cluster-ip-range 10.96.0.0/16 --endpoint-reconciler-type none \
    --allow-privileged=true --cert-dir "$d/pki" --profiling=false --v 0
}

# Real request: /readyz as the admin (authenticated by the client certificate).
kubernetes_check() {
  local d="$DP_STATE/kubernetes/pki"
  [ "$(curl -sS --max-time 5 --cacert "$d/ca.crt" --cert "$d/admin.crt" --key "$d/admin.key" \
    "$(kubernetes_addr)/readyz" 2>/dev/null)" = ok ]
}

kubernetes_stop() {
  stop_pid kubernetes
  stop_pid kubernetes-etcd
}
