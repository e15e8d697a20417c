#!/usr/bin/env bash
# Installs the independent linters the platform tests run on every rendered target
# (test/integration/platform-lint.test.ts), once, into the services cache (never the repo):
#   kube-score  from the Go module proxy (go install), $DP_CACHE/linters/kube-score-$KUBE_SCORE_VERSION/kube-score
#   Checkov     from PyPI into a venv,                  $DP_CACHE/linters/checkov-$CHECKOV_VERSION/bin/checkov
# kube-linter is not installed: the Go module proxy refuses golang.stackrox.io/kube-linter (403), see
# docs/decisions/0034-platform-linters.md. Prints nothing on success when already installed.
set -euo pipefail

KUBE_SCORE_VERSION=v1.20.0
CHECKOV_VERSION=3.3.30
DP_CACHE="${DATAPIPE_CACHE_DIR:-${HOME}/.cache/datapipe}"
dir="$DP_CACHE/linters"
mkdir -p "$dir"

ks="$dir/kube-score-$KUBE_SCORE_VERSION"
if [ ! -x "$ks/kube-score" ]; then
  go="${DATAPIPE_GO:-$(command -v go || echo /usr/local/go/bin/go)}"
  echo "[platform-lint] go install github.com/zegl/kube-score/cmd/kube-score@$KUBE_SCORE_VERSION" >&2
  GOMODCACHE="$DP_CACHE/go/mod" GOCACHE="$DP_CACHE/go/build" GOTOOLCHAIN=auto GOBIN="$ks" \
    "$go" install "github.com/zegl/kube-score/cmd/kube-score@$KUBE_SCORE_VERSION"
fi

ck="$dir/checkov-$CHECKOV_VERSION"
if [ ! -f "$ck/.installed" ]; then
  py="$(command -v python3)" || { apt-get update -q && apt-get install -y -q python3 python3-venv && py=python3; }
  echo "[platform-lint] pip install checkov==$CHECKOV_VERSION (venv $ck)" >&2
  rm -rf "$ck"
  "$py" -m venv "$ck"
  "$ck/bin/pip" install -q --disable-pip-version-check "checkov==$CHECKOV_VERSION" >&2 || {
    rm -rf "$ck"
    exit 1
  }
  touch "$ck/.installed"
fi
