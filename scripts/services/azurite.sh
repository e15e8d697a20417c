# shellcheck shell=bash
# Azure Blob Storage emulator: Azurite (npm), blob service only, installed into the cache dir.
# http://127.0.0.1:$AZURITE_PORT/devstoreaccount1 (10000), the well-known devstoreaccount1 account/key.
# Data in $DP_STATE/azurite. Runs on Node >= 22 (the repo's node_modules/.bin/node is Node 24).

AZURITE_VERSION="${DATAPIPE_AZURITE_VERSION:-3.37.0}"
AZURITE_PORT="${DATAPIPE_AZURITE_PORT:-10000}"

azurite_dir() { echo "$DP_CACHE/azurite-$AZURITE_VERSION"; }
azurite_main() { echo "$(azurite_dir)/node_modules/azurite/dist/src/blob/main.js"; }
azurite_addr() { echo "http://$DP_HOST:$AZURITE_PORT/devstoreaccount1"; }
azurite_ports() { echo "$AZURITE_PORT"; }
azurite_timeout() { echo 30; }

azurite_install() {
  [ -f "$(azurite_main)" ] && return 0
  command -v npm >/dev/null 2>&1 || apt_install npm
  say "azurite: npm install azurite@$AZURITE_VERSION into $(azurite_dir)"
  local tmp
  tmp="$(mktemp -d "$DP_CACHE/.azurite.XXXXXX")"
  (cd "$tmp" && echo '{"private":true}' >package.json &&
    npm install --no-audit --no-fund --omit=dev --loglevel=error --prefix "$tmp" "azurite@$AZURITE_VERSION") >&2 || {
    rm -rf "$tmp"
    die "azurite: npm install failed"
  }
  rm -rf "$(azurite_dir)"
  mv "$tmp" "$(azurite_dir)"
  [ -f "$(azurite_main)" ] || die "azurite: $(azurite_main) missing after install"
}

azurite_start() {
  local d="$DP_STATE/azurite"
  mkdir -p "$d"
  spawn azurite "$(node_bin)" "$(azurite_main)" --blobHost "$DP_HOST" --blobPort "$AZURITE_PORT" \
    --location "$d" --disableTelemetry --skipApiVersionCheck --loose
}

# Real request: an HTTP request to the blob service; Azurite answers with its Server header.
azurite_check() {
  curl -sS --max-time 5 -o /dev/null -D - "http://$DP_HOST:$AZURITE_PORT/devstoreaccount1?comp=list" |
    grep -qi '^server: Azurite-Blob'
}
