# shellcheck shell=bash
# etcd from Debian packages (etcd-server, etcd-client: etcd + etcdctl, v3 API).
# client http://127.0.0.1:$ETCD_PORT (23790), peer 127.0.0.1:$ETCD_PEER_PORT (23800), no auth.
# Data in $DP_STATE/etcd/data.

ETCD_PORT="${DATAPIPE_ETCD_PORT:-23790}"
ETCD_PEER_PORT="${DATAPIPE_ETCD_PEER_PORT:-23800}"

etcd_addr() { echo "http://$DP_HOST:$ETCD_PORT"; }
etcd_ports() { echo "$ETCD_PORT $ETCD_PEER_PORT"; }
etcd_timeout() { echo 30; }

# The etcd backup script (scripts/etcd-backup) and its test also need openssl and the AWS CLI
# (the polyglot image ships the latter through pip; elsewhere Debian's package provides it).
etcd_install() {
  command -v openssl >/dev/null 2>&1 || apt_install openssl
  command -v aws >/dev/null 2>&1 || apt_install awscli
  command -v etcd >/dev/null 2>&1 && command -v etcdctl >/dev/null 2>&1 && return 0
  apt_install etcd-server etcd-client
}

etcd_start() {
  local d="$DP_STATE/etcd"
  mkdir -p "$d/data"
  chmod 700 "$d/data"
  spawn etcd etcd --name datapipe --data-dir "$d/data" \
    --listen-client-urls "http://$DP_HOST:$ETCD_PORT" --advertise-client-urls "http://$DP_HOST:$ETCD_PORT" \
    --listen-peer-urls "http://$DP_HOST:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://$DP_HOST:$ETCD_PEER_PORT" \
    --initial-cluster "datapipe=http://$DP_HOST:$ETCD_PEER_PORT" --initial-cluster-state new \
    --listen-metrics-urls "" --log-level warn --logger zap
}

# Real request: etcdctl endpoint health.
etcd_check() {
  ETCDCTL_API=3 etcdctl --endpoints="http://$DP_HOST:$ETCD_PORT" --dial-timeout=3s --command-timeout=5s \
    endpoint health >/dev/null 2>&1
}
