#!/usr/bin/env bash
# The whole test suite: static checks, the real services the integration tests need, then every test.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run --silent typecheck
npm run --silent lint
node --test "src/**/*.test.ts"
