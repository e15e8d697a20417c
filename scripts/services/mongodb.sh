# shellcheck shell=bash
# MongoDB wire protocol: FerretDB v1.24 (SQLite backend), built from the Go module proxy.
# 127.0.0.1:$MONGODB_PORT (27117), no auth. Data in $DP_STATE/mongodb. See docs/decisions/0003.

FERRETDB_VERSION="${DATAPIPE_FERRETDB_VERSION:-v1.24.0}"
MONGODB_PORT="${DATAPIPE_MONGODB_PORT:-27117}"
MONGODB_DEBUG_PORT="${DATAPIPE_MONGODB_DEBUG_PORT:-27118}"

mongodb_bin() { echo "$DP_CACHE/ferretdb-$FERRETDB_VERSION/ferretdb"; }
mongodb_addr() { echo "mongodb://$DP_HOST:$MONGODB_PORT"; }
mongodb_ports() { echo "$MONGODB_PORT $MONGODB_DEBUG_PORT"; }
mongodb_timeout() { echo 30; }

ensure_go() {
  if command -v go >/dev/null 2>&1; then return 0; fi
  [ -x /usr/local/go/bin/go ] && {
    PATH="/usr/local/go/bin:$PATH"
    return 0
  }
  apt_install golang-go
}

mongodb_install() {
  [ -x "$(mongodb_bin)" ] && return 0
  ensure_go
  local src tmp
  export GOPATH="$DP_CACHE/go" GOMODCACHE="$DP_CACHE/go/pkg/mod" GOCACHE="$DP_CACHE/go/build-cache" GOFLAGS=-mod=mod GOTOOLCHAIN=local
  say "mongodb: downloading FerretDB $FERRETDB_VERSION from the Go module proxy"
  src="$(go mod download -json "github.com/FerretDB/FerretDB@$FERRETDB_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  [ -d "$src" ] || die "mongodb: go mod download of FerretDB $FERRETDB_VERSION failed"
  # The module zip has no build/version/version.txt (made by the project's task runner); without
  # it the binary panics at start, so build from a copy with that file written.
  tmp="$(mktemp -d "$DP_CACHE/.ferretdb-build.XXXXXX")"
  cp -r "$src/." "$tmp/"
  chmod -R u+w "$tmp"
  echo "$FERRETDB_VERSION" >"$tmp/build/version/version.txt"
  echo "datapipe-services" >"$tmp/build/version/package.txt"
  say "mongodb: building FerretDB (go build ./cmd/ferretdb, 2-5 minutes the first time)"
  mkdir -p "$(dirname "$(mongodb_bin)")"
  (cd "$tmp" && go build -trimpath -o "$(mongodb_bin).tmp" ./cmd/ferretdb) >&2 || {
    rm -rf "$tmp"
    die "mongodb: FerretDB build failed"
  }
  mv "$(mongodb_bin).tmp" "$(mongodb_bin)"
  rm -rf "$tmp"
  unset GOPATH GOMODCACHE GOCACHE GOFLAGS GOTOOLCHAIN
}

mongodb_start() {
  local d="$DP_STATE/mongodb"
  mkdir -p "$d/data"
  spawn mongodb "$(mongodb_bin)" --handler=sqlite --sqlite-url="file:$d/data/" --state-dir="$d" \
    --listen-addr="$DP_HOST:$MONGODB_PORT" --debug-addr="$DP_HOST:$MONGODB_DEBUG_PORT" \
    --telemetry=disable --log-level=warn
}

# Real request: OP_MSG {ping: 1, $db: "admin"} over TCP; expects {ok: 1.0} in the reply.
mongodb_check() {
  # shellcheck disable=SC2016 # the inner script gets host/port as $0/$1
  timeout 5 bash -c '
    exec 3<>"/dev/tcp/$0/$1" || exit 1
    printf "\x33\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\xdd\x07\x00\x00\x00\x00\x00\x00\x00\x1e\x00\x00\x00\x10ping\x00\x01\x00\x00\x00\x02\$db\x00\x06\x00\x00\x00admin\x00\x00" >&3
    len=$(dd bs=4 count=1 iflag=fullblock <&3 2>/dev/null | od -An -tu4 | tr -d " ")
    [ -n "$len" ] && [ "$len" -gt 4 ] || exit 1
    dd bs=$((len - 4)) count=1 iflag=fullblock <&3 2>/dev/null | od -An -tx1 -v | tr -d " \n" |
      grep -q "016f6b00000000000000f03f"
  ' "$DP_HOST" "$MONGODB_PORT"
}
