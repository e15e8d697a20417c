#!/usr/bin/env bash
# The whole test suite, as CI runs it: static checks, generated docs up to date, the real services
# the integration tests need (installed and started by scripts/services), then every test.
#
# Cold (no cache), installing is most of a run: the kubernetes service's Go build (kube-apiserver, kubectl,
# etcd) by far, then downloads from Maven Central, PyPI, npm and Debian and two small Go builds. So they all
# start first, in the background, overlapping the checks and each other: the test tools, the other services'
# installs and the platform linters at nice 10; the kubernetes build at nice 19 (the lowest CPU priority),
# which also overlaps starting the other services and every test that does not talk to the API server. The
# tests that do (those importing test/support/kubectl.ts) run last, once it is up. Warm, every install is a
# quick no-op.
# See docs/decisions/0075-cold-test-run.md.
set -euo pipefail
cd "$(dirname "$0")/.."

services=scripts/services/services.sh
state="${DATAPIPE_STATE_DIR:-${DATAPIPE_CACHE_DIR:-$HOME/.cache/datapipe}/run}"
mkdir -p "$state/logs"
jobs_dir="$(mktemp -d)"
bg_pids=()
trap 'for p in "${bg_pids[@]}"; do kill -TERM -- "-$p" 2>/dev/null || true; done; rm -rf "$jobs_dir"' EXIT

# start_bg NAME NICE CMD...: runs CMD in the background in its own session (so that an interrupted run
# stops all of it on exit, go and its compilers too), output in $state/logs/NAME.log.
start_bg() {
  local name="$1" niceness="$2"
  shift 2
  setsid nice -n "$niceness" bash -c '"${@:3}" >"$1" 2>&1; echo $? >"$2"' _ "$state/logs/$name.log" \
    "$jobs_dir/$name.rc" "$@" </dev/null &
  bg_pids+=("$!")
  echo "== $name: in the background (log: $state/logs/$name.log)"
}

# wait_bg NAME: waits for a background job, at most DATAPIPE_INSTALL_DEADLINE seconds from the start of the
# run (default 3600: CI stops the whole run at 90 minutes); fails with the end of its log if it failed.
wait_bg() {
  local name="$1" deadline=${DATAPIPE_INSTALL_DEADLINE:-3600} t0=$SECONDS log="$state/logs/$1.log"
  [ -s "$jobs_dir/$name.rc" ] || echo "== $name: waiting for it (log: $log; at most until ${deadline}s into the run)"
  until [ -s "$jobs_dir/$name.rc" ]; do
    if ((SECONDS >= deadline)); then
      tail -n 20 "$log" >&2 || true
      echo "ERROR: $name (log $log) did not finish within ${deadline}s of the start of the run" >&2
      exit 1
    fi
    sleep 2
  done
  if [ "$(cat "$jobs_dir/$name.rc")" != 0 ]; then
    tail -n 40 "$log" >&2 || true
    echo "ERROR: $name failed (exit $(cat "$jobs_dir/$name.rc")); full log: $log" >&2
    exit 1
  fi
  echo "== $name: done (waited $((SECONDS - t0))s for it)"
}

# What git shows as changed or untracked before the run: a test that writes into the working tree (instead of
# its temp dir) is found at the end by comparing with this. Not in a git checkout: nothing to compare.
tree_before=""
in_git=false
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  in_git=true
  tree_before="$(git status --porcelain --untracked-files=all)"
fi

start_bg kubernetes-build 19 bash "$services" install kubernetes
# Three more jobs, mostly waiting on downloads, so they run side by side: Maven Central (one local repository,
# so one fetch at a time), the rest, the linters. A service left out of these is installed by `up` below.
start_bg installs-maven 10 bash "$services" install kafka mongodb s3 iceberg
start_bg installs-other 10 bash -c 'bash scripts/test-tools.sh && bash "$0" install azurite postgres etcd gcs' "$services"
start_bg platform-linters 10 bash scripts/platform-lint/install.sh

echo "== type-check"; npm run --silent typecheck
echo "== lint"; npm run --silent lint
echo "== generated docs"; node scripts/generate-docs.ts --check
echo "== pipeline unit tests"; node bin/datapipe.js test examples
wait_bg installs-maven
wait_bg installs-other
wait_bg platform-linters
echo "== services (all but kubernetes)"
bash "$services" up --except kubernetes

# One file at a time (the default on 2 cores): some integration tests stop and restart a shared service.
# Every test has a deadline: 5 minutes unless it sets its own, so a hang fails CI instead of stalling it.
run_tests() { node --test --test-timeout=300000 --test-reporter=spec "$@"; }
mapfile -t all_tests < <(find src test -name '*.test.ts' -not -path '*/node_modules/*' | sort)
mapfile -t kube_tests < <(grep -l 'support/kubectl\.ts' "${all_tests[@]}" || true)
mapfile -t other_tests < <(printf '%s\n' "${all_tests[@]}" | grep -vxF -f <(printf '%s\n' "${kube_tests[@]}"))
failed=0
echo "== tests (${#other_tests[@]} files; the ${#kube_tests[@]} that use the Kubernetes API server follow)"
run_tests "${other_tests[@]}" || failed=1

wait_bg kubernetes-build
echo "== kubernetes service"
bash "$services" up kubernetes
if [ "${#kube_tests[@]}" -gt 0 ]; then
  echo "== tests that use the Kubernetes API server"
  run_tests "${kube_tests[@]}" || failed=1
fi
if $in_git; then
  left="$(comm -13 <(printf '%s\n' "$tree_before" | sort) <(git status --porcelain --untracked-files=all | sort))"
  if [ -n "$left" ]; then
    echo "ERROR: the tests changed the working tree (a test must write under its temp dir):" >&2
    printf '%s\n' "$left" >&2
    failed=1
  fi
fi
exit "$failed"
