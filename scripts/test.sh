#!/usr/bin/env bash
# The whole test suite, as CI runs it: static checks, generated docs up to date, the real services
# the integration tests need (installed and started by scripts/services), then every test.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== type-check"; npm run --silent typecheck
echo "== lint"; npm run --silent lint
echo "== generated docs"; node scripts/generate-docs.ts --check
echo "== pipeline unit tests"; node bin/datapipe.js test examples
echo "== test tools"; bash scripts/test-tools.sh
echo "== services"
# A fresh Iceberg catalog for each suite run (only when the catalog is down, never under a running one):
# a catalog file left by an earlier, heavily loaded run was seen failing every namespace insert.
if ! bash scripts/services/services.sh status iceberg >/dev/null 2>&1; then
  rm -f "${DATAPIPE_STATE_DIR:-$HOME/.cache/datapipe/run}/iceberg/catalog.db"*
fi
bash scripts/services/services.sh up
echo "== platform linters"; bash scripts/platform-lint/install.sh
echo "== tests"
# One file at a time (the default on 2 cores): some integration tests stop and restart a shared service.
# Every test has a deadline: 5 minutes unless it sets its own, so a hang fails CI instead of stalling it.
node --test --test-timeout=300000 --test-reporter=spec "src/**/*.test.ts" "test/**/*.test.ts"
