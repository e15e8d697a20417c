# shellcheck shell=bash
# Shared helpers for scripts/services/*.sh. Sourced by services.sh, scripts/test-tools.sh and
# scripts/platform-lint/install.sh.
#
# Layout (see docs/services.md):
#   $DP_CACHE  = ${DATAPIPE_CACHE_DIR:-$HOME/.cache/datapipe}   installed software (outside the repo)
#   $DP_STATE  = ${DATAPIPE_STATE_DIR:-$DP_CACHE/run}           data, secrets, pids, logs

DP_CACHE="${DATAPIPE_CACHE_DIR:-${HOME}/.cache/datapipe}"
DP_STATE="${DATAPIPE_STATE_DIR:-${DP_CACHE}/run}"
DP_LOGS="${DP_STATE}/logs"
DP_PIDS="${DP_STATE}/pids"
DP_HOST=127.0.0.1

say() { printf '[services] %s\n' "$*" >&2; }
die() {
  printf '[services] ERROR: %s\n' "$*" >&2
  exit 1
}

dp_init_dirs() {
  mkdir -p "$DP_CACHE" "$DP_STATE" "$DP_LOGS" "$DP_PIDS"
  chmod 700 "$DP_STATE" 2>/dev/null || true
}

# Run a command as root (directly, or through sudo when not root).
as_root() {
  if [ "$(id -u)" = 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root (or sudo) to run: $*"
  fi
}

# apt_install PKG...: installs the Debian packages that are missing. One apt at a time: `npm test` builds the
# kubernetes service in the background while the foreground installs others (a lock in the cache dir, and
# apt's own lock waited for). `apt-get update` runs first unless one ran in the last hour.
apt_install() {
  local missing=() p fd stamp="$DP_CACHE/.apt-updated"
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  mkdir -p "$DP_CACHE"
  exec {fd}>"$DP_CACHE/.apt.lock"
  flock -w 1800 "$fd" || die "apt: another apt_install still holds $DP_CACHE/.apt.lock after 30 min"
  if [ -z "$(find "$stamp" -mmin -60 2>/dev/null)" ]; then
    say "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 update -q >&2 ||
      die "apt-get update failed"
    touch "$stamp"
  fi
  say "apt-get install ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -q \
    --no-install-recommends "${missing[@]}" >&2 || die "apt-get install ${missing[*]} failed"
  exec {fd}>&-
}

# java_bin: a Java >= 17 runtime (Kafka 4 and S3Proxy 2.x need 17).
java_bin() {
  local c
  for c in "${DATAPIPE_JAVA:-}" /usr/lib/jvm/java-17-openjdk-amd64/bin/java "${JAVA_HOME:+$JAVA_HOME/bin/java}"; do
    [ -n "$c" ] && [ -x "$c" ] && {
      echo "$c"
      return 0
    }
  done
  if command -v java >/dev/null 2>&1; then
    command -v java
    return 0
  fi
  apt_install openjdk-17-jre-headless
  echo /usr/lib/jvm/java-17-openjdk-amd64/bin/java
}

# ensure_python3_venv: python3 with its venv module (PyIceberg's and Checkov's venvs).
ensure_python3_venv() {
  command -v python3 >/dev/null 2>&1 || apt_install python3 python3-venv
  python3 -m venv --help >/dev/null 2>&1 || apt_install python3-venv
}

ensure_maven() {
  command -v mvn >/dev/null 2>&1 || apt_install maven openjdk-17-jdk-headless
}

# maven_fetch DEST_DIR [bom:]GROUP:ARTIFACT:VERSION[:CLASSIFIER]...
# Copies the artifacts and their runtime dependencies from Maven Central into DEST_DIR (atomic).
# A "bom:" coordinate is imported into dependencyManagement (so an artifact's own pom can pin the
# versions its build used, instead of Maven's nearest-wins choice).
# The Maven local repository lives in the cache too, so a fresh clone reuses it.
maven_fetch() {
  local dest="$1" tmp deps="" boms="" coord g a v c
  shift
  [ -d "$dest" ] && return 0
  ensure_maven
  for coord in "$@"; do
    if [ "${coord#bom:}" != "$coord" ]; then
      IFS=: read -r g a v <<<"${coord#bom:}"
      boms+="<dependency><groupId>$g</groupId><artifactId>$a</artifactId><version>$v</version><type>pom</type><scope>import</scope></dependency>"
      continue
    fi
    IFS=: read -r g a v c <<<"$coord"
    deps+="<dependency><groupId>$g</groupId><artifactId>$a</artifactId><version>$v</version>${c:+<classifier>$c</classifier>}</dependency>"
  done
  tmp="$(mktemp -d "${DP_CACHE}/.fetch.XXXXXX")"
  cat >"$tmp/pom.xml" <<EOF
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>datapipe.services</groupId><artifactId>fetch</artifactId><version>1</version><packaging>pom</packaging>
  <dependencyManagement><dependencies>$boms</dependencies></dependencyManagement>
  <dependencies>$deps</dependencies>
</project>
EOF
  say "maven: fetching $* (into $dest)"
  if ! mvn -B -q -Dstyle.color=never -f "$tmp/pom.xml" -Dmaven.repo.local="$DP_CACHE/m2" \
    dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$tmp/libs" >"$tmp/mvn.log" 2>&1; then
    cat "$tmp/mvn.log" >&2
    rm -rf "$tmp"
    die "maven fetch of $* failed"
  fi
  mkdir -p "$(dirname "$dest")"
  mv "$tmp/libs" "$dest"
  rm -rf "$tmp"
}

# go_bin: a Go toolchain of 1.21 or later (the first to honour GOTOOLCHAIN, so it fetches whatever newer
# version a go.mod asks for): DATAPIPE_GO, then PATH, then the official tarball's place; else the one the
# Go module proxy serves (go_fetch_toolchain). Debian's golang-go is not used: bookworm's is 1.19, which
# ignores GOTOOLCHAIN and cannot build the kubernetes service.
go_bin() {
  local c
  for c in "${DATAPIPE_GO:-}" "$(command -v go 2>/dev/null)" /usr/local/go/bin/go; do
    if [ -n "$c" ] && [ -x "$c" ] && go_at_least_1_21 "$c"; then
      echo "$c"
      return 0
    fi
  done
  go_fetch_toolchain
}

# go_at_least_1_21 GO: whether that go binary is Go 1.21 or later (its own version: GOTOOLCHAIN=local, so a
# go.mod in the current folder asking for a newer one does not make it switch).
go_at_least_1_21() {
  local v minor
  v="$(GOTOOLCHAIN=local "$1" env GOVERSION 2>/dev/null)" || return 1
  [[ "$v" =~ ^go1\.([0-9]+) ]] || return 1
  minor="${BASH_REMATCH[1]}"
  [ "$minor" -ge 21 ]
}

# The toolchain go_fetch_toolchain installs, and the SHA-256 of the proxy's zip of it per architecture,
# pinned when the version was chosen (module zips never change; the checksum database, which `go` itself
# would ask, is not among the registries CI reaches).
GO_TOOLCHAIN_VERSION=1.26.8
declare -A GO_TOOLCHAIN_SHA256=(
  [amd64]=30c2b1bf7dcc88d3eb0a1364e47ddd9128edb3110a30e8a0ef61cd5856b31de7
  [arm64]=02b36b6787b3ac767668f630e2998df45a3b1f9ffee08d1bf3ef6487cd658d99
)

# go_fetch_toolchain: prints the path of the Go the module proxy serves as golang.org/toolchain (the same
# module GOTOOLCHAIN=auto downloads), installed once into $DP_CACHE/go/toolchain. GOPROXY's first URL is
# used when it names one, else proxy.golang.org. A zip whose checksum differs from the pin is refused.
go_fetch_toolchain() {
  local arch version="$GO_TOOLCHAIN_VERSION" dir proxy url tmp module
  case "$(uname -m)" in
  x86_64 | amd64) arch=amd64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) die "no Go toolchain: install Go 1.21 or later (or set DATAPIPE_GO); $(uname -m) has no pinned download" ;;
  esac
  dir="$DP_CACHE/go/toolchain/go$version.linux-$arch"
  if [ -x "$dir/bin/go" ]; then
    echo "$dir/bin/go"
    return 0
  fi
  command -v curl >/dev/null 2>&1 || apt_install curl ca-certificates
  command -v unzip >/dev/null 2>&1 || apt_install unzip
  proxy="${GOPROXY:-https://proxy.golang.org}"
  proxy="${proxy%%[,|]*}"
  [[ "$proxy" == http* ]] || proxy=https://proxy.golang.org
  module="golang.org/toolchain@v0.0.1-go$version.linux-$arch"
  url="${proxy%/}/golang.org/toolchain/@v/v0.0.1-go$version.linux-$arch.zip"
  mkdir -p "$DP_CACHE/go/toolchain"
  tmp="$(mktemp -d "$DP_CACHE/go/toolchain/.fetch.XXXXXX")"
  say "go: no Go 1.21+ here; fetching go$version ($arch) from $url"
  if ! curl -fsSL --retry 3 -o "$tmp/toolchain.zip" "$url"; then
    rm -rf "$tmp"
    die "go: download of $url failed"
  fi
  if ! echo "${GO_TOOLCHAIN_SHA256[$arch]}  $tmp/toolchain.zip" | sha256sum -c --quiet - >/dev/null 2>&1; then
    rm -rf "$tmp"
    die "go: $url does not match its pinned SHA-256 (${GO_TOOLCHAIN_SHA256[$arch]}); refusing it"
  fi
  unzip -q "$tmp/toolchain.zip" -d "$tmp/x" || {
    rm -rf "$tmp"
    die "go: unzip of $url failed"
  }
  rm -rf "$dir"
  mv "$tmp/x/$module" "$dir"
  rm -rf "$tmp"
  echo "$dir/bin/go"
}

# dp_go ARGS...: go with the settings every Go-built tool of the tests shares (the kubernetes and gcs
# services, kube-score): module and build caches in the services cache (a fresh clone reuses them), the Go
# version a go.mod asks for (GOTOOLCHAIN=auto: from the Go module proxy), static binaries without cgo (as
# the upstream release builds), no VCS stamp and trimmed paths. The same flags everywhere, so a package one
# build compiled is reused by the next. See docs/decisions/0075-cold-test-run.md.
dp_go() {
  local go
  go="$(go_bin)" || die "no Go toolchain"
  GOMODCACHE="$DP_CACHE/go/mod" GOCACHE="$DP_CACHE/go/build" GOTOOLCHAIN=auto CGO_ENABLED=0 \
    GOFLAGS="-buildvcs=false -trimpath" "$go" "$@"
}

# node_bin: a Node.js >= 22 (the repo's node_modules/.bin/node is Node 24).
node_bin() {
  local c v
  for c in "${DATAPIPE_NODE:-}" "$DP_ROOT/node_modules/.bin/node" "$(command -v node 2>/dev/null)"; do
    if [ -z "$c" ] || [ ! -x "$c" ]; then continue; fi
    v="$("$c" -p 'process.versions.node.split(".")[0]' 2>/dev/null)" || continue
    if [ "${v:-0}" -ge 22 ]; then
      echo "$c"
      return 0
    fi
  done
  die "no Node.js >= 22 found (run npm ci in the repo, which installs node 24 into node_modules/.bin)"
}

# secret_file FILE: prints the secret stored in FILE, generating a random one the first time.
secret_file() {
  local f="$1"
  if [ ! -s "$f" ]; then
    mkdir -p "$(dirname "$f")"
    (umask 077 && openssl rand -hex 16 >"$f")
  fi
  tr -d '\n' <"$f"
}

# ---- processes ------------------------------------------------------------
# A pid file holds "PID STARTTIME" (STARTTIME = field 22 of /proc/PID/stat), so a recycled pid
# is never mistaken for ours and `down` only signals the exact process `up` started.

proc_starttime() {
  local stat
  stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
  stat="${stat##*) }"
  # after "comm) " the fields start at field 3; starttime is field 22 -> index 19
  # shellcheck disable=SC2086
  set -- $stat
  echo "${19}"
}

record_pid() {
  local svc="$1" pid="$2" st
  st="$(proc_starttime "$pid")" || return 1
  echo "$pid $st" >"$DP_PIDS/$svc.pid"
}

# svc_pid SVC: prints the pid of the running process we started for SVC, or fails.
svc_pid() {
  local f="$DP_PIDS/$1.pid" pid st cur
  [ -f "$f" ] || return 1
  read -r pid st <"$f" || return 1
  [ -n "$pid" ] || return 1
  cur="$(proc_starttime "$pid")" || return 1
  [ "$cur" = "$st" ] || return 1
  echo "$pid"
}

# spawn SVC CMD...: starts CMD detached (own session), stdout/stderr appended to the service log.
spawn() {
  local svc="$1" log="$DP_LOGS/$1.log"
  shift
  printf '\n==== %s starting %s ====\n' "$(date -Is)" "$svc" >>"$log"
  if [ -n "${SVC_LOCK_FD:-}" ]; then
    # the start lock services.sh holds (svc_lock) stays with it: the server must not inherit it
    setsid "$@" >>"$log" 2>&1 </dev/null {SVC_LOCK_FD}>&- &
  else
    setsid "$@" >>"$log" 2>&1 </dev/null &
  fi
  local pid=$!
  sleep 0.2
  record_pid "$svc" "$pid" || {
    say "$svc: process exited immediately, see $log"
    return 1
  }
}

# stop_pid SVC [SIGNAL]: signals our recorded process and waits for it to exit.
stop_pid() {
  local svc="$1" sig="${2:-TERM}" pid i
  if ! pid="$(svc_pid "$svc")"; then
    rm -f "$DP_PIDS/$svc.pid"
    return 0
  fi
  say "$svc: stopping pid $pid (SIG$sig)"
  kill "-$sig" "$pid" 2>/dev/null || true
  for ((i = 0; i < 300; i++)); do
    svc_pid "$svc" >/dev/null || break
    sleep 0.1
  done
  if svc_pid "$svc" >/dev/null; then
    say "$svc: pid $pid still running after 30s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.5
  fi
  rm -f "$DP_PIDS/$svc.pid"
}

# port_in_use PORT: true when something accepts TCP connections on 127.0.0.1:PORT.
port_in_use() {
  timeout 2 bash -c "exec 3<>/dev/tcp/$DP_HOST/$1" 2>/dev/null
}
