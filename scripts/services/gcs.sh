# shellcheck shell=bash
# GCS-API server: fake-gcs-server (github.com/fsouza/fake-gcs-server), built from the Go module proxy with
# `go install` into the cache (lib.sh's dp_go: needs Go; the polyglot image ships it, elsewhere Debian's golang-go).
# http://127.0.0.1:$GCS_PORT (19443), JSON API and XML API, no auth. Data in $DP_STATE/gcs (filesystem
# backend, so objects survive a restart). See docs/decisions/0048-gcs-test-server.md.

GCS_VERSION="${DATAPIPE_FAKE_GCS_VERSION:-v1.56.1}"
GCS_PORT="${DATAPIPE_GCS_PORT:-19443}"

gcs_bin() { echo "$DP_CACHE/fake-gcs-server-$GCS_VERSION/bin/fake-gcs-server"; }
gcs_addr() { echo "http://$DP_HOST:$GCS_PORT"; }
gcs_ports() { echo "$GCS_PORT"; }
gcs_timeout() { echo 30; }

gcs_install() {
  [ -x "$(gcs_bin)" ] && return 0
  local dir tmp
  dir="$(dirname "$(dirname "$(gcs_bin)")")"
  tmp="$(mktemp -d "$DP_CACHE/.fake-gcs.XXXXXX")"
  say "gcs: go install github.com/fsouza/fake-gcs-server@$GCS_VERSION into $dir (a few minutes the first time)"
  GOBIN="$tmp/bin" dp_go install -ldflags="-s -w" "github.com/fsouza/fake-gcs-server@$GCS_VERSION" >&2 || {
    rm -rf "$tmp"
    die "gcs: go install failed"
  }
  rm -rf "$dir"
  mv "$tmp" "$dir"
  [ -x "$(gcs_bin)" ] || die "gcs: $(gcs_bin) missing after install"
}

gcs_start() {
  local d="$DP_STATE/gcs"
  mkdir -p "$d/data"
  spawn gcs "$(gcs_bin)" -scheme http -host "$DP_HOST" -port "$GCS_PORT" \
    -external-url "http://$DP_HOST:$GCS_PORT" -public-host "$DP_HOST:$GCS_PORT" \
    -backend filesystem -filesystem-root "$d/data" -log-level warn
}

# Real request: list buckets through the JSON API.
gcs_check() {
  curl -fsS --max-time 5 "http://$DP_HOST:$GCS_PORT/storage/v1/b?project=datapipe" | grep -q '"kind"'
}
