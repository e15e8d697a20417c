#!/usr/bin/env bash
# Headless Chromium for the HTML report tests: the Debian package, installed when missing
# (as root, or through sudo). Idempotent; prints the version.
set -euo pipefail
BIN="${DATAPIPE_CHROMIUM:-/usr/bin/chromium}"
if [ ! -x "$BIN" ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi
"$BIN" --version 2>/dev/null | head -1
