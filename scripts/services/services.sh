#!/usr/bin/env bash
# Install (once, cached outside the repo), start, check and stop the real services datapipe is
# tested against. Usage:
#   services.sh up      [SERVICE...]                 install if needed, start what is down, wait until it answers
#   services.sh install [SERVICE...]                 install what is down (into the cache), start nothing
#   services.sh status  [--output json] [SERVICE...] one line per service; exit 0 only if all answer a real request
#   services.sh down    [SERVICE...]                 stop the processes `up` started (by recorded pid)
# SERVICE is one of: kafka mongodb s3 iceberg azurite postgres etcd gcs kubernetes (default: all);
# --except SERVICE (repeatable) leaves one out of the default. See docs/services.md.
# Installs of one service never run twice at once: a second `up`/`install` waits for the first (a lock in
# the cache dir, at most DATAPIPE_INSTALL_WAIT seconds, default 3600) and then finds it installed; nor do
# starts and stops of one service (a lock in the state dir's pids/, DATAPIPE_SERVICE_LOCK_WAIT, default 120).
set -euo pipefail

DP_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
DP_SERVICES_DIR="$DP_ROOT/scripts/services"
ALL_SERVICES=(kafka mongodb s3 iceberg azurite postgres etcd gcs kubernetes)

# shellcheck source=scripts/services/lib.sh
. "$DP_SERVICES_DIR/lib.sh"
for s in "${ALL_SERVICES[@]}"; do
  # shellcheck source=/dev/null
  . "$DP_SERVICES_DIR/$s.sh"
done

usage() {
  sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
  exit 2
}

known_service() {
  local k
  for k in "${ALL_SERVICES[@]}"; do [ "$k" = "$1" ] && return 0; done
  die "unknown service '$1' (known: ${ALL_SERVICES[*]})"
}

cmd="${1:-}"
[ -n "$cmd" ] || usage
shift
output=text
services=()
except=()
while [ $# -gt 0 ]; do
  case "$1" in
  --output) output="${2:-}"; shift 2 ;;
  --output=*) output="${1#--output=}"; shift ;;
  --json) output=json; shift ;;
  --except) except+=("${2:-}"); shift 2 ;;
  --except=*) except+=("${1#--except=}"); shift ;;
  -h | --help) usage ;;
  *)
    known_service "$1"
    services+=("$1")
    shift
    ;;
  esac
done
[ "$output" = text ] || [ "$output" = json ] || die "--output must be text or json"
for s in "${except[@]}"; do known_service "$s"; done
[ "${#services[@]}" -eq 0 ] || [ "${#except[@]}" -eq 0 ] || die "name the services or use --except, not both"
if [ "${#services[@]}" -eq 0 ]; then
  for s in "${ALL_SERVICES[@]}"; do
    [[ " ${except[*]} " == *" $s "* ]] || services+=("$s")
  done
fi

dp_init_dirs

# install_svc SVC: runs SVC's install under its lock ($DP_CACHE/.install-SVC.lock), so that `npm test`'s
# background build (scripts/test.sh) and a later `up` of the same service never build it twice at once.
install_svc() {
  local svc="$1" lock="$DP_CACHE/.install-$1.lock" wait="${DATAPIPE_INSTALL_WAIT:-3600}" fd
  exec {fd}>"$lock"
  if ! flock -n "$fd"; then
    say "$svc: another install of it is running (lock $lock); waiting for it, at most ${wait}s"
    flock -w "$wait" "$fd" || die "$svc: the other install still holds $lock after ${wait}s"
  fi
  "${svc}_install"
  exec {fd}>&-
}

# Like `up`, leaves a service that already answers alone (its install also writes its config files).
do_install() {
  local svc t0
  for svc in "${services[@]}"; do
    t0=$SECONDS
    if "${svc}_check" >/dev/null 2>&1; then
      say "$svc: already up on $("${svc}_addr")"
      continue
    fi
    install_svc "$svc"
    say "$svc: installed ($((SECONDS - t0))s)"
  done
}

# wait_up SVC: polls SVC's real check until it answers, its process dies, or its timeout passes.
wait_up() {
  local svc="$1" timeout deadline log="$DP_LOGS/$1.log"
  timeout="$("${svc}_timeout")"
  deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    if "${svc}_check" >/dev/null 2>&1; then
      return 0
    fi
    if ! svc_pid "$svc" >/dev/null; then
      say "FAILED: $svc exited before answering; see log $log:"
      tail -n 20 "$log" >&2 || true
      return 1
    fi
    sleep 1
  done
  say "FAILED: $svc did not answer on $("${svc}_addr") within ${timeout}s; see log $log:"
  tail -n 20 "$log" >&2 || true
  return 1
}

# svc_lock SVC / svc_unlock: one start or stop of SVC at a time, across worktrees ($DP_PIDS/SVC.lock, held
# for seconds). Without it two `up`s racing (two outage tests restarting a shared service at once) both
# found it down and both started a server: the iceberg server sets SO_REUSEPORT, so its twin shared the
# port, the pid file named only one, and `down` left the other answering (docs/decisions/0084).
svc_lock() {
  local wait="${DATAPIPE_SERVICE_LOCK_WAIT:-120}"
  exec {SVC_LOCK_FD}>"$DP_PIDS/$1.lock"
  flock -w "$wait" "$SVC_LOCK_FD" || die "$1: another start or stop of it still holds $DP_PIDS/$1.lock after ${wait}s"
}
svc_unlock() {
  exec {SVC_LOCK_FD}>&-
  unset SVC_LOCK_FD
}

# used_port SVC: prints the first of SVC's ports that another process already listens on.
used_port() {
  local port
  for port in $("${1}_ports"); do
    if port_in_use "$port"; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

do_up() {
  local svc t0 port failed=() started=()
  t0=$SECONDS
  for svc in "${services[@]}"; do
    if "${svc}_check" >/dev/null 2>&1; then
      say "$svc: already up on $("${svc}_addr")"
      continue
    fi
    install_svc "$svc"
    svc_lock "$svc"
    if "${svc}_check" >/dev/null 2>&1; then
      say "$svc: up on $("${svc}_addr") (started meanwhile by another services.sh)"
    elif svc_pid "$svc" >/dev/null; then
      say "$svc: our process $(svc_pid "$svc") is running but not answering yet; waiting for it"
      started+=("$svc")
    elif port="$(used_port "$svc")"; then
      say "FAILED: $svc: port $port on $DP_HOST is already used by another process (not started by this script); set the env override, see docs/services.md"
      failed+=("$svc")
    else
      say "$svc: starting on $("${svc}_addr") (log: $DP_LOGS/$svc.log)"
      if "${svc}_start"; then
        started+=("$svc")
      else
        say "FAILED: $svc did not start; see log $DP_LOGS/$svc.log"
        failed+=("$svc")
      fi
    fi
    svc_unlock
  done
  for svc in "${started[@]}"; do
    if wait_up "$svc"; then
      if declare -F "${svc}_ready" >/dev/null; then
        "${svc}_ready" || {
          say "FAILED: $svc answers but its readiness step failed; see log $DP_LOGS/$svc.log"
          failed+=("$svc")
          continue
        }
      fi
      say "$svc: up on $("${svc}_addr")"
    else
      failed+=("$svc")
    fi
  done
  if [ "${#failed[@]}" -gt 0 ]; then
    die "services not up: ${failed[*]} (logs in $DP_LOGS)"
  fi
  say "all up (${services[*]}) in $((SECONDS - t0))s; state dir $DP_STATE"
}

json_str() {
  local s="$1"
  s="${s//\\/\\\\}"
  s="${s//\"/\\\"}"
  printf '"%s"' "$s"
}

do_status() {
  local svc state pid rc=0 first=1 addr
  [ "$output" = json ] && printf '{"stateDir":%s,"services":[' "$(json_str "$DP_STATE")"
  for svc in "${services[@]}"; do
    addr="$("${svc}_addr")"
    pid="$(svc_pid "$svc" || true)"
    if "${svc}_check" >/dev/null 2>&1; then
      state=up
    else
      state=down
      rc=1
    fi
    if [ "$output" = json ]; then
      [ "$first" = 1 ] || printf ','
      first=0
      printf '{"name":%s,"address":%s,"status":%s,"pid":%s,"log":%s}' \
        "$(json_str "$svc")" "$(json_str "$addr")" "$(json_str "$state")" "${pid:-null}" \
        "$(json_str "$DP_LOGS/$svc.log")"
    else
      printf '%-9s %-44s %-5s %s\n' "$svc" "$addr" "$state" "${pid:+pid=$pid}"
    fi
  done
  [ "$output" = json ] && printf '],"ok":%s}\n' "$([ "$rc" = 0 ] && echo true || echo false)"
  return "$rc"
}

do_down() {
  local svc
  for svc in "${services[@]}"; do
    svc_lock "$svc"
    if declare -F "${svc}_stop" >/dev/null; then
      "${svc}_stop"
    else
      stop_pid "$svc"
    fi
    svc_unlock
    say "$svc: down"
  done
}

case "$cmd" in
up) do_up ;;
install) do_install ;;
status) do_status ;;
down) do_down ;;
*) usage ;;
esac
