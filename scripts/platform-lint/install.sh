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
# shellcheck source=scripts/services/lib.sh
. "$(dirname "$0")/../services/lib.sh"
dir="$DP_CACHE/linters"
mkdir -p "$dir"

ks="$dir/kube-score-$KUBE_SCORE_VERSION"
if [ ! -x "$ks/kube-score" ]; then
  echo "[platform-lint] go install github.com/zegl/kube-score/cmd/kube-score@$KUBE_SCORE_VERSION" >&2
  GOBIN="$ks" dp_go install -ldflags="-s -w" "github.com/zegl/kube-score/cmd/kube-score@$KUBE_SCORE_VERSION"
fi

ck="$dir/checkov-$CHECKOV_VERSION"
if [ ! -f "$ck/.installed" ]; then
  ensure_python3_venv
  echo "[platform-lint] pip install checkov==$CHECKOV_VERSION (venv $ck)" >&2
  rm -rf "$ck"
  python3 -m venv "$ck"
  "$ck/bin/pip" install -q --disable-pip-version-check "checkov==$CHECKOV_VERSION" >&2 || {
    rm -rf "$ck"
    exit 1
  }
  touch "$ck/.installed"
fi
