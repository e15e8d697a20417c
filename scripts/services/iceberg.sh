# shellcheck shell=bash
# Apache Iceberg REST catalog: the server shipped as the `test-fixtures` classifier of
# org.apache.iceberg:iceberg-open-api (class org.apache.iceberg.rest.RESTCatalogServer), from Maven
# Central, on Java 17. Catalog in SQLite ($DP_STATE/iceberg/catalog.db); data and metadata through
# S3FileIO in the s3 service's bucket $ICEBERG_BUCKET (path style).
# http://127.0.0.1:$ICEBERG_PORT (18181), no auth; warehouse s3://$ICEBERG_BUCKET/warehouse.
# Also installs PyIceberg (PyPI) into a venv under the cache: the independent reader of the tests.
# See docs/decisions/0042; 1.11.0, not 1.10.x, because 1.10's JdbcCatalog leaves a read transaction open
# on a catalog file it reopens (docs/decisions/0084).

ICEBERG_VERSION="${DATAPIPE_ICEBERG_VERSION:-1.11.0}"
# RESTCatalogServer 1.11 runs on Jetty 12.1 (ee10 servlet, jetty-compression for its gzip handler)
ICEBERG_JETTY_VERSION=12.1.10
PYICEBERG_VERSION="${DATAPIPE_PYICEBERG_VERSION:-0.12.0}"
ICEBERG_PORT="${DATAPIPE_ICEBERG_PORT:-18181}"
ICEBERG_BUCKET=datapipe-iceberg

iceberg_libs() { echo "$DP_CACHE/iceberg-rest-$ICEBERG_VERSION/libs"; }
iceberg_venv() { echo "$DP_CACHE/pyiceberg-$PYICEBERG_VERSION"; }
iceberg_addr() { echo "http://$DP_HOST:$ICEBERG_PORT"; }
iceberg_ports() { echo "$ICEBERG_PORT"; }
iceberg_timeout() { echo 90; }

iceberg_install() {
  maven_fetch "$(iceberg_libs)" \
    "org.apache.iceberg:iceberg-open-api:$ICEBERG_VERSION:test-fixtures" \
    "org.apache.iceberg:iceberg-core:$ICEBERG_VERSION" \
    "org.apache.iceberg:iceberg-core:$ICEBERG_VERSION:tests" \
    "org.apache.iceberg:iceberg-aws:$ICEBERG_VERSION" \
    "org.apache.iceberg:iceberg-aws-bundle:$ICEBERG_VERSION" \
    "org.eclipse.jetty.ee10:jetty-ee10-servlet:$ICEBERG_JETTY_VERSION" \
    "org.eclipse.jetty.compression:jetty-compression-server:$ICEBERG_JETTY_VERSION" \
    "org.eclipse.jetty.compression:jetty-compression-gzip:$ICEBERG_JETTY_VERSION" \
    "org.xerial:sqlite-jdbc:3.50.3.0" \
    "org.apache.hadoop:hadoop-client-api:3.4.1" \
    "org.apache.hadoop:hadoop-client-runtime:3.4.1" \
    "org.slf4j:slf4j-simple:2.0.17"
  local venv
  venv="$(iceberg_venv)"
  if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import pyiceberg, pyarrow' 2>/dev/null; then
    ensure_python3_venv
    say "iceberg: installing pyiceberg $PYICEBERG_VERSION from PyPI into $venv"
    rm -rf "$venv.tmp"
    python3 -m venv "$venv.tmp" >&2 || die "iceberg: python3 -m venv failed"
    "$venv.tmp/bin/pip" install -q --disable-pip-version-check "pyiceberg[pyarrow]==$PYICEBERG_VERSION" >&2 ||
      die "iceberg: pip install pyiceberg failed"
    rm -rf "$venv"
    mv "$venv.tmp" "$venv"
    # a venv records its own path in its scripts: rebuild the pip shims for the final path
    sed -i "s#$venv.tmp#$venv#g" "$venv/bin/"* 2>/dev/null || true
  fi
  # a stable path for the tests (test/support/services.ts), whatever the version
  ln -sfn "$(basename "$venv")" "$DP_CACHE/pyiceberg"
  mkdir -p "$DP_STATE/iceberg"
}

iceberg_start() {
  local secret
  secret="$(secret_file "$DP_STATE/s3-secret")"
  # The server reads CATALOG_* variables as catalog properties (CATALOG_IO__IMPL -> io-impl,
  # CATALOG_S3_ENDPOINT -> s3.endpoint). The S3 key goes through the AWS default chain, so the
  # server's "Creating catalog with properties" log line never holds it. S3Proxy rejects the
  # SDK's default request checksums (x-amz-content-sha256 mismatch): only when required. SQLite in WAL
  # mode with a busy timeout: readers never block the writer; the file persists across restarts (the
  # outage tests restart the service and keep their tables). The servlet's own log of every 4xx/5xx
  # (a stack trace per 404) is off: clients get the error in the answer.
  AWS_ACCESS_KEY_ID="$S3_ACCESS_KEY" AWS_SECRET_ACCESS_KEY="$secret" AWS_REGION=us-east-1 \
    AWS_REQUEST_CHECKSUM_CALCULATION=WHEN_REQUIRED AWS_RESPONSE_CHECKSUM_VALIDATION=WHEN_REQUIRED \
    CATALOG_REST_PORT="$ICEBERG_PORT" \
    CATALOG_URI="jdbc:sqlite:$DP_STATE/iceberg/catalog.db?journal_mode=WAL&busy_timeout=10000" \
    CATALOG_JDBC_SCHEMA__VERSION=V1 \
    CATALOG_WAREHOUSE="s3://$ICEBERG_BUCKET/warehouse" \
    CATALOG_IO__IMPL=org.apache.iceberg.aws.s3.S3FileIO \
    CATALOG_S3_ENDPOINT="$(s3_addr)" \
    CATALOG_S3_PATH__STYLE__ACCESS=true \
    CATALOG_CLIENT_REGION=us-east-1 \
    spawn iceberg "$(java_bin)" -Xms32m -Xmx256m -XX:+UseSerialGC -Djava.awt.headless=true \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -Dorg.slf4j.simpleLogger.log.org.apache.iceberg.rest=info \
    -Dorg.slf4j.simpleLogger.log.org.apache.iceberg.rest.RESTCatalogServlet=off \
    -cp "$(iceberg_libs)/*" org.apache.iceberg.rest.RESTCatalogServer
}

# Real request: GET /v1/config answers with the catalog's defaults/overrides document.
iceberg_check() {
  curl -fsS --max-time 5 "http://$DP_HOST:$ICEBERG_PORT/v1/config" | grep -q '"defaults"'
}

# The warehouse bucket lives in the s3 service: create it (idempotent) once s3 answers.
iceberg_ready() {
  local secret deadline=$((SECONDS + 60)) code
  until s3_check >/dev/null 2>&1; do
    ((SECONDS < deadline)) || {
      say "iceberg: the s3 service ($(s3_addr)) does not answer; start it: services.sh up s3"
      return 1
    }
    sleep 1
  done
  secret="$(tr -d '\n' <"$DP_STATE/s3-secret")"
  code="$(curl -sS -o /dev/null -w '%{http_code}' --max-time 10 -X PUT --aws-sigv4 "aws:amz:us-east-1:s3" \
    --user "$S3_ACCESS_KEY:$secret" -H "x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" \
    "$(s3_addr)/$ICEBERG_BUCKET")"
  case "$code" in
  200 | 409) return 0 ;;
  *)
    say "iceberg: creating bucket $ICEBERG_BUCKET in s3 answered HTTP $code"
    return 1
    ;;
  esac
}
