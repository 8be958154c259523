#!/usr/bin/env bash
# SSE fan-out of `batuta serve`: SUBSCRIBERS streams of GET /api/v1/runs/{id}/events on one
# run of util.wait that logs a line every LOG_EVERY seconds for RUN_SECONDS. bench/sse_client
# checks that every subscriber got every line exactly once and the end event, times each live
# line from its `at` stamp to its arrival, and samples the server's VmRSS before subscribing
# and at the peak. Everything listens on 127.0.0.1; the run ends by itself and the client
# gives up RUN_SECONDS + 30 s after it started.
#
#   bench/sse_bench.sh [path/to/batuta] [path/to/sse_client]
#   SUBSCRIBERS=1000 RUN_SECONDS=30 LOG_EVERY=0.005 bench/sse_bench.sh     (200 lines/s)
#
# Results: docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/release/app/batuta}
client=${2:-build/release/bench/sse_client}
subscribers=${SUBSCRIBERS:-1000}
run_seconds=${RUN_SECONDS:-30}
log_every=${LOG_EVERY:-0.005}
ulimit -n 8192
work=$(mktemp -d)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

json() {  # field < json
  python3 -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}

export BATUTA_ADMIN_PASSWORD=bench-quiet-river-passphrase
"$bin" serve --listen 127.0.0.1 --port 0 --data-dir "$work/data" --port-file "$work/port" \
  >/dev/null 2>"$work/server.log" &
definition="{\"name\":\"sse-bench\",\"type\":\"util.wait\",
  \"config\":{\"seconds\":$run_seconds,\"log_every_seconds\":$log_every}}"
what="util.wait (${run_seconds} s, a line every ${log_every} s) on $("$bin" version)"
pid=$!
for _ in $(seq 1 300); do [ -s "$work/port" ] && break; sleep 0.1; done  # start-up wait
base="http://127.0.0.1:$(cat "$work/port")"

curl -sf -c "$work/jar" -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$BATUTA_ADMIN_PASSWORD\"}" "$base/api/v1/auth/login" \
  >"$work/me.json"
csrf=$(json csrf_token <"$work/me.json")
key=$(curl -sf -b "$work/jar" -H 'Content-Type: application/json' -H "Origin: $base" \
  -H "X-CSRF-Token: $csrf" -d '{"name":"sse-bench"}' "$base/api/v1/api-keys" | json key)
api() {  # method path [body]
  curl -sf -X "$1" -H "Authorization: Bearer $key" -H 'Content-Type: application/json' \
    ${3:+-d "$3"} "$base$2"
}
job=$(api POST /api/v1/jobs "$definition" | json id)
run=$(api POST "/api/v1/jobs/$job/runs" '{}' | json id)

echo "$subscribers subscribers on run $run of $what; $(nproc) cores"
status=0
"$client" --port "${base##*:}" --path "/api/v1/runs/$run/events" --key "$key" \
  --connections "$subscribers" --pid "$pid" --timeout $((run_seconds + 30)) | tee "$work/client.out" ||
  status=$?
stored=$(api GET "/api/v1/runs/$run" | json log_lines)
streamed=$(sed -n 's/^max_seq=\([0-9]*\).*/\1/p' "$work/client.out")
echo "store: run has $stored log lines; subscribers saw $streamed"
if [ "$stored" != "$streamed" ]; then echo "MISMATCH between the store and the streams"; status=1; fi
exit "$status"
