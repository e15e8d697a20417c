#!/usr/bin/env bash
# Debian packages the tests drive as a person would: tmux (the `datapipe top` terminal view) and
# chromium (the status page, headless). Installs whichever is missing (apt-get, as root or with sudo).
set -euo pipefail
DP_SERVICES_DIR="$(cd "$(dirname "$0")/services" && pwd)"
# shellcheck source=scripts/services/lib.sh
. "$DP_SERVICES_DIR/lib.sh"
apt_install tmux chromium
