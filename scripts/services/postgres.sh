# shellcheck shell=bash
# PostgreSQL from Debian packages, private cluster in $DP_STATE/postgres/data on
# 127.0.0.1:$POSTGRES_PORT (55432). User datapipe, password in $DP_STATE/postgres-password
# (trust auth on 127.0.0.1 too), database datapipe. Runs as the "postgres" OS user when we are root.

POSTGRES_PORT="${DATAPIPE_POSTGRES_PORT:-55432}"

postgres_bindir() {
  local d
  d="$(printf '%s\n' /usr/lib/postgresql/*/bin | grep -v '\*' | sort -V | tail -n 1)"
  [ -n "$d" ] && echo "$d"
}
postgres_addr() { echo "postgres://datapipe@$DP_HOST:$POSTGRES_PORT/datapipe"; }
postgres_ports() { echo "$POSTGRES_PORT"; }
postgres_timeout() { echo 60; }
postgres_dir() { echo "$DP_STATE/postgres"; }

# as_pg CMD...: runs CMD as the postgres OS user when root (initdb/postgres refuse root). The state
# dir may sit under a 0700 home (/root), so the process gets CAP_DAC_READ_SEARCH to reach it.
as_pg() {
  if [ "$(id -u)" = 0 ]; then
    setpriv --reuid=postgres --regid=postgres --init-groups \
      --inh-caps=+dac_read_search --ambient-caps=+dac_read_search "$@"
  else
    "$@"
  fi
}

postgres_install() {
  if [ -z "$(postgres_bindir)" ] || [ ! -x "$(postgres_bindir)/initdb" ]; then
    apt_install postgresql postgresql-client
  fi
  command -v psql >/dev/null 2>&1 || apt_install postgresql-client
  local d bin pw
  d="$(postgres_dir)"
  bin="$(postgres_bindir)"
  [ -f "$d/initialized" ] && return 0
  say "postgres: initdb into $d/data"
  pw="$(secret_file "$DP_STATE/postgres-password")"
  rm -rf "$d/data"
  mkdir -p "$d/data" "$d/run"
  (umask 077 && printf '%s\n' "$pw" >"$d/pwfile")
  [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$d"
  chmod 700 "$d/data"
  as_pg "$bin/initdb" -D "$d/data" -U datapipe --pwfile="$d/pwfile" -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >>"$DP_LOGS/postgres.log" 2>&1 ||
    die "postgres: initdb failed, see $DP_LOGS/postgres.log"
  rm -f "$d/pwfile"
  cat >>"$d/data/postgresql.conf" <<CONF
# datapipe (scripts/services/postgres.sh)
listen_addresses = '$DP_HOST'
port = $POSTGRES_PORT
unix_socket_directories = '$d/run'
max_connections = 50
shared_buffers = 32MB
fsync = on
CONF
  # Tests and tools connect as datapipe from 127.0.0.1 without a password; the password also works.
  printf 'local all all trust\nhost all all 127.0.0.1/32 trust\nhost all all ::1/128 trust\n' >"$d/data/pg_hba.conf"
  [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$d"
  say "postgres: creating database datapipe"
  as_pg "$bin/pg_ctl" -D "$d/data" -l "$d/init.log" -w -o "-c listen_addresses=''" start >&2 &&
    as_pg "$bin/createdb" -h "$d/run" -p "$POSTGRES_PORT" -U datapipe datapipe >&2
  local rc=$?
  as_pg "$bin/pg_ctl" -D "$d/data" -m fast -w stop >&2 || true
  [ "$rc" = 0 ] || die "postgres: createdb failed, see $d/init.log"
  touch "$d/initialized"
}

postgres_start() {
  local d
  d="$(postgres_dir)"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$d" "$d/run" && touch "$DP_LOGS/postgres.log" &&
    chown postgres "$DP_LOGS/postgres.log"
  # the postmaster itself is the process we record (setpriv execs it) and signal on down
  if [ "$(id -u)" = 0 ]; then
    spawn postgres setpriv --reuid=postgres --regid=postgres --init-groups \
      --inh-caps=+dac_read_search --ambient-caps=+dac_read_search "$(postgres_bindir)/postgres" -D "$d/data"
  else
    spawn postgres "$(postgres_bindir)/postgres" -D "$d/data"
  fi
}

postgres_stop() {
  # SIGINT = "fast" shutdown of the postmaster we started
  stop_pid postgres INT
}

# Real request: select 1.
postgres_check() {
  PGCONNECT_TIMEOUT=3 psql -X -q -A -t -h "$DP_HOST" -p "$POSTGRES_PORT" -U datapipe -d datapipe \
    -c 'select 1' 2>/dev/null | grep -qx 1
}
