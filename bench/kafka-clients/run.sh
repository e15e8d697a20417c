#!/usr/bin/env bash
# Client benchmark of docs/decisions/0002-kafka-client.md: fill the topic once, then consume it RUNS
# times with each client, alternating, and print the median rate of each.
#   bash bench/kafka-clients/run.sh [RUNS=3] [RECORDS=1000000]
# Needs the broker (npm run services:up -- kafka) and, for the librdkafka client, a scratch build of
# @confluentinc/kafka-javascript in $CKJS_DIR (default /tmp/ckjs/app; see the decision record).
set -euo pipefail
cd "$(dirname "$0")/../.."
runs="${1:-3}"
records="${2:-1000000}"
node=node_modules/.bin/node
out="$(mktemp -d)"
"$node" bench/kafka-clients/produce.ts --records "$records"
for _ in $(seq "$runs"); do
  "$node" bench/kafka-clients/consume-platformatic.ts --records "$records" | tee -a "$out/platformatic.jsonl"
  if [ -d "${CKJS_DIR:-/tmp/ckjs/app}/node_modules/@confluentinc/kafka-javascript" ]; then
    "$node" bench/kafka-clients/consume-confluent.ts --records "$records" | tee -a "$out/confluent.jsonl"
  fi
done
for f in "$out"/*.jsonl; do
  printf '%s median records/s: ' "$(basename "$f" .jsonl)"
  "$node" -e 'const r=require("fs").readFileSync(process.argv[1],"utf8").trim().split("\n").map(l=>JSON.parse(l).rate).sort((a,b)=>a-b);console.log(r[Math.floor(r.length/2)])' "$f"
done
