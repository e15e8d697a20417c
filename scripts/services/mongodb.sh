# shellcheck shell=bash
# MongoDB wire protocol: de.bwaldvogel:mongo-java-server (H2 MVStore backend) from Maven Central, run
# by the tiny main in scripts/services/mongodb/MongoWireServer.java on Java 17.
# 127.0.0.1:$MONGODB_PORT (27117), no auth. Data in $DP_STATE/mongodb/data.mv. See docs/decisions/0003
# (why not FerretDB, with the SQLite or the PostgreSQL backend).

MONGO_JAVA_SERVER_VERSION="${DATAPIPE_MONGO_JAVA_SERVER_VERSION:-1.46.0}"
MONGODB_PORT="${DATAPIPE_MONGODB_PORT:-27117}"

mongodb_home() { echo "$DP_CACHE/mongo-java-server-$MONGO_JAVA_SERVER_VERSION"; }
mongodb_addr() { echo "mongodb://$DP_HOST:$MONGODB_PORT"; }
mongodb_ports() { echo "$MONGODB_PORT"; }
mongodb_timeout() { echo 60; }

mongodb_install() {
  local home src
  home="$(mongodb_home)"
  src="$DP_SERVICES_DIR/mongodb/MongoWireServer.java"
  maven_fetch "$home/libs" \
    "de.bwaldvogel:mongo-java-server:$MONGO_JAVA_SERVER_VERSION" \
    "de.bwaldvogel:mongo-java-server-h2-backend:$MONGO_JAVA_SERVER_VERSION"
  # recompile when the main changed (or was never built)
  [ -f "$home/classes/MongoWireServer.class" ] && [ "$home/classes/MongoWireServer.class" -nt "$src" ] && return 0
  local javac
  javac="$(dirname "$(java_bin)")/javac"
  [ -x "$javac" ] || {
    apt_install openjdk-17-jdk-headless
    javac=/usr/lib/jvm/java-17-openjdk-amd64/bin/javac
  }
  say "mongodb: compiling $src"
  mkdir -p "$home/classes"
  "$javac" -nowarn -d "$home/classes" -cp "$home/libs/*" "$src" >&2 || die "mongodb: javac failed"
}

mongodb_start() {
  local d="$DP_STATE/mongodb" home
  home="$(mongodb_home)"
  mkdir -p "$d"
  # FerretDB's SQLite files and state (the server used before 2026-11-27) mean nothing to this one
  rm -rf "$d/data" "$d/state.json"
  spawn mongodb "$(java_bin)" -Xmx256m -XX:+UseSerialGC -cp "$home/libs/*:$home/classes" \
    MongoWireServer "$DP_HOST" "$MONGODB_PORT" "$d/data.mv"
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
