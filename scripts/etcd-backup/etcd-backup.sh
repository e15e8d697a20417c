#!/usr/bin/env bash
# Encrypted etcd backups to an S3-compatible bucket, and their restore. Runs in the bare-metal
# CronJob rendered by `datapipe render --target baremetal` (shipped there in a ConfigMap) and by hand
# for a restore. Tested for real by test/integration/etcd-backup.test.ts.
#
#   etcd-backup.sh backup            snapshot → verify → encrypt → upload (+ .sha256) → prune past retention
#   etcd-backup.sh restore [KEY]     download KEY (default: newest) → decrypt → verify → restore into a new data dir
#   etcd-backup.sh list              the backups in the bucket, oldest first
#
# Environment:
#   ETCDCTL_ENDPOINTS, ETCDCTL_CACERT, ETCDCTL_CERT, ETCDCTL_KEY   read by etcdctl (backup)
#   BACKUP_BUCKET (required), BACKUP_PREFIX (default: etcd), BACKUP_RETENTION_DAYS (default: 14)
#   BACKUP_PASSPHRASE_FILE (required): file holding the encryption passphrase (never on a command line)
#   S3_ENDPOINT: URL of an S3-compatible server (omit for AWS S3); AWS_ACCESS_KEY_ID,
#     AWS_SECRET_ACCESS_KEY, AWS_DEFAULT_REGION as for the AWS CLI
#   RESTORE_DATA_DIR (restore, required, must not exist); RESTORE_NAME, RESTORE_PEER_URL (optional:
#     member name and peer URL of the restored single-member cluster)
# Encryption: AES-256-CBC with a PBKDF2-SHA256 key (200,000 iterations, random salt) by openssl; the
# SHA-256 of the plaintext snapshot is stored beside it and checked after decryption.
set -euo pipefail

PBKDF2_ITERATIONS=200000

log() { printf '[etcd-backup] %s\n' "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}
need() { [ -n "${!1:-}" ] || die "$1 is not set"; }

: "${BACKUP_PREFIX:=etcd}"
: "${BACKUP_RETENTION_DAYS:=14}"

work="$(mktemp -d "${TMPDIR:-/tmp}/etcd-backup.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# Path-style addressing for S3-compatible servers (virtual-hosted names rarely resolve on premises).
if [ -n "${S3_ENDPOINT:-}" ]; then
  printf '[default]\ns3 =\n  addressing_style = path\n' >"$work/aws-config"
  export AWS_CONFIG_FILE="$work/aws-config"
fi

aws_() {
  if [ -n "${S3_ENDPOINT:-}" ]; then
    aws --endpoint-url "$S3_ENDPOINT" "$@"
  else
    aws "$@"
  fi
}

# etcd 3.5+ moved offline snapshot commands to etcdutl; etcd 3.4 has them in etcdctl.
snapshot_tool() {
  if command -v etcdutl >/dev/null 2>&1; then echo etcdutl; else echo etcdctl; fi
}

passphrase_file() {
  need BACKUP_PASSPHRASE_FILE
  [ -s "$BACKUP_PASSPHRASE_FILE" ] || die "passphrase file $BACKUP_PASSPHRASE_FILE is missing or empty"
  echo "$BACKUP_PASSPHRASE_FILE"
}

# Keys of the backups, oldest first (the timestamp in the name sorts them).
list_keys() {
  need BACKUP_BUCKET
  aws_ s3api list-objects-v2 --bucket "$BACKUP_BUCKET" --prefix "$BACKUP_PREFIX/" \
    --query 'Contents[].Key' --output text |
    tr '\t' '\n' | grep -E '\.db\.enc$' | sort || true
}

cmd_backup() {
  need BACKUP_BUCKET
  local pass stamp key
  pass="$(passphrase_file)"
  stamp="$(date -u +%Y%m%dT%H%M%SZ)"
  key="$BACKUP_PREFIX/etcd-$stamp.db.enc"

  ETCDCTL_API=3 etcdctl snapshot save "$work/snapshot.db" >&2
  ETCDCTL_API=3 "$(snapshot_tool)" snapshot status "$work/snapshot.db" -w table >&2
  (cd "$work" && sha256sum snapshot.db >snapshot.db.sha256)

  openssl enc -aes-256-cbc -pbkdf2 -iter "$PBKDF2_ITERATIONS" -md sha256 -salt \
    -in "$work/snapshot.db" -out "$work/snapshot.db.enc" -pass "file:$pass"
  rm -f "$work/snapshot.db"

  aws_ s3 cp --only-show-errors "$work/snapshot.db.enc" "s3://$BACKUP_BUCKET/$key"
  aws_ s3 cp --only-show-errors "$work/snapshot.db.sha256" "s3://$BACKUP_BUCKET/$key.sha256"
  log "uploaded s3://$BACKUP_BUCKET/$key"
  prune
  echo "$key"
}

# Deletes the backups whose timestamp is older than the retention; never the newest one.
prune() {
  local cutoff keys newest k stamp
  cutoff="$(date -u -d "-$BACKUP_RETENTION_DAYS days" +%Y%m%dT%H%M%SZ)"
  keys="$(list_keys)"
  newest="$(printf '%s\n' "$keys" | tail -n 1)"
  while IFS= read -r k; do
    if [ -z "$k" ] || [ "$k" = "$newest" ]; then continue; fi
    stamp="${k##*/etcd-}"
    stamp="${stamp%.db.enc}"
    if [[ "$stamp" < "$cutoff" ]]; then
      aws_ s3 rm --only-show-errors "s3://$BACKUP_BUCKET/$k"
      aws_ s3 rm --only-show-errors "s3://$BACKUP_BUCKET/$k.sha256"
      log "deleted s3://$BACKUP_BUCKET/$k (older than $BACKUP_RETENTION_DAYS days)"
    fi
  done <<<"$keys"
}

cmd_restore() {
  need BACKUP_BUCKET
  need RESTORE_DATA_DIR
  local pass key="${1:-}"
  pass="$(passphrase_file)"
  [ ! -e "$RESTORE_DATA_DIR" ] || die "RESTORE_DATA_DIR $RESTORE_DATA_DIR already exists: restore into a new folder"
  [ -n "$key" ] || key="$(list_keys | tail -n 1)"
  [ -n "$key" ] || die "no backup under s3://$BACKUP_BUCKET/$BACKUP_PREFIX/"

  aws_ s3 cp --only-show-errors "s3://$BACKUP_BUCKET/$key" "$work/snapshot.db.enc"
  aws_ s3 cp --only-show-errors "s3://$BACKUP_BUCKET/$key.sha256" "$work/snapshot.db.sha256"
  openssl enc -d -aes-256-cbc -pbkdf2 -iter "$PBKDF2_ITERATIONS" -md sha256 \
    -in "$work/snapshot.db.enc" -out "$work/snapshot.db" -pass "file:$pass" ||
    die "cannot decrypt $key: wrong passphrase or damaged file"
  (cd "$work" && sha256sum --check --quiet snapshot.db.sha256) || die "checksum mismatch for $key"

  local args=(--data-dir "$RESTORE_DATA_DIR")
  if [ -n "${RESTORE_NAME:-}" ] && [ -n "${RESTORE_PEER_URL:-}" ]; then
    args+=(--name "$RESTORE_NAME" --initial-cluster "$RESTORE_NAME=$RESTORE_PEER_URL"
      --initial-advertise-peer-urls "$RESTORE_PEER_URL")
  fi
  ETCDCTL_API=3 "$(snapshot_tool)" snapshot restore "$work/snapshot.db" "${args[@]}" >&2
  log "restored s3://$BACKUP_BUCKET/$key into $RESTORE_DATA_DIR"
}

case "${1:-}" in
backup) cmd_backup ;;
restore) cmd_restore "${2:-}" ;;
list) list_keys ;;
*)
  sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
  ;;
esac
