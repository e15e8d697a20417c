#!/usr/bin/env bash
# The whole test suite, as CI runs it: static checks, generated docs up to date, the real services
# the integration tests need (installed and started by scripts/services), then every test.
#
# Cold (no cache), the kubernetes service's Go build (kube-apiserver, kubectl, etcd) is the longest step by
# far. It starts first, in the background at the lowest CPU priority, and overlaps everything else: the
# checks, the other services, and every test that does not talk to the API server. The tests that do
# (those importing test/support/kubectl.ts) run last, once it is up. Warm, the build is a no-op.
# See docs/decisions/0075-cold-test-run.md.
set -euo pipefail
cd "$(dirname "$0")/.."

services=scripts/services/services.sh
state="${DATAPIPE_STATE_DIR:-${DATAPIPE_CACHE_DIR:-$HOME/.cache/datapipe}/run}"
mkdir -p "$state/logs"
build_log="$state/logs/kubernetes-build.log"
build_rc="$(mktemp)"
: >"$build_rc"
# Its own session, so that an interrupted run stops the whole build (go and its compilers) on exit.
setsid nice -n 19 bash -c 'bash "$0" install kubernetes >"$1" 2>&1; echo $? >"$2"' \
  "$services" "$build_log" "$build_rc" </dev/null &
build_pid=$!
trap 'kill -TERM -- "-$build_pid" 2>/dev/null || true; rm -f "$build_rc"' EXIT
echo "== kubernetes service: building in the background if not built yet (log: $build_log)"

# Waits for the background build, at most DATAPIPE_KUBERNETES_BUILD_WAIT seconds from the start of the run
# (default 3600: CI stops the whole run at 90 minutes).
wait_kubernetes_build() {
  local deadline=${DATAPIPE_KUBERNETES_BUILD_WAIT:-3600} t0=$SECONDS
  until [ -s "$build_rc" ]; do
    if ((SECONDS >= deadline)); then
      tail -n 20 "$build_log" >&2 || true
      echo "ERROR: the kubernetes service's build (log $build_log) did not finish within ${deadline}s of the start of the run" >&2
      exit 1
    fi
    sleep 2
  done
  if [ "$(cat "$build_rc")" != 0 ]; then
    tail -n 40 "$build_log" >&2 || true
    echo "ERROR: the kubernetes service's build failed (exit $(cat "$build_rc")); full log: $build_log" >&2
    exit 1
  fi
  echo "   (waited $((SECONDS - t0))s for it; $(grep -o 'built in [0-9]*s' "$build_log" || echo 'already built'))"
}

echo "== type-check"; npm run --silent typecheck
echo "== lint"; npm run --silent lint
echo "== generated docs"; node scripts/generate-docs.ts --check
echo "== pipeline unit tests"; node bin/datapipe.js test examples
echo "== test tools"; bash scripts/test-tools.sh
echo "== services (all but kubernetes)"
# A fresh Iceberg catalog for each suite run (only when the catalog is down, never under a running one):
# a catalog file left by an earlier, heavily loaded run was seen failing every namespace insert.
if ! bash "$services" status iceberg >/dev/null 2>&1; then
  rm -f "$state/iceberg/catalog.db"*
fi
bash "$services" up --except kubernetes
echo "== platform linters"; bash scripts/platform-lint/install.sh

# One file at a time (the default on 2 cores): some integration tests stop and restart a shared service.
# Every test has a deadline: 5 minutes unless it sets its own, so a hang fails CI instead of stalling it.
run_tests() { node --test --test-timeout=300000 --test-reporter=spec "$@"; }
mapfile -t all_tests < <(find src test -name '*.test.ts' -not -path '*/node_modules/*' | sort)
mapfile -t kube_tests < <(grep -l 'support/kubectl\.ts' "${all_tests[@]}" || true)
mapfile -t other_tests < <(printf '%s\n' "${all_tests[@]}" | grep -vxF -f <(printf '%s\n' "${kube_tests[@]}"))
failed=0
echo "== tests (${#other_tests[@]} files; the ${#kube_tests[@]} that use the Kubernetes API server follow)"
run_tests "${other_tests[@]}" || failed=1

echo "== kubernetes service"
wait_kubernetes_build
bash "$services" up kubernetes
if [ "${#kube_tests[@]}" -gt 0 ]; then
  echo "== tests that use the Kubernetes API server"
  run_tests "${kube_tests[@]}" || failed=1
fi
exit "$failed"
