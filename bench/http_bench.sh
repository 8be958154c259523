#!/usr/bin/env bash
# HTTP throughput of `batuta serve` on GET /healthz, side by side with nginx answering the same
# JSON from a `return 200` (the ceiling for a small reply on this machine), in one run with the
# same wrk settings. Everything listens on 127.0.0.1 and every wrk run stops by itself.
#
#   bench/http_bench.sh [path/to/batuta]        (default: build/release/app/batuta)
#   DURATION=10s CONNECTIONS=64 WRK_THREADS=2 bench/http_bench.sh
#
# Needs wrk and nginx-light (scripts/setup --bench installs them). Results: docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/release/app/batuta}
duration=${DURATION:-10s}
connections=${CONNECTIONS:-64}
wrk_threads=${WRK_THREADS:-2}
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

wait_for_file() {  # a start-up wait in a script, not a test
  for _ in $(seq 1 300); do [ -s "$1" ] && return 0; sleep 0.1; done
  echo "timed out waiting for $1" >&2; return 1
}

run_wrk() {  # name url [wrk args, e.g. -H header]
  local out name=$1 url=$2
  shift 2
  out=$(wrk -t"$wrk_threads" -c"$connections" -d"$duration" --latency "$@" "$url")
  local rps p50 p99
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1=="50%" {print $2}' <<<"$out")
  p99=$(awk '$1=="99%" {print $2}' <<<"$out")
  if grep -q "Non-2xx\|Socket errors" <<<"$out"; then echo "$out" >&2; fi
  printf '| %-34s | %10s | %8s | %8s |\n' "$name" "$rps" "$p50" "$p99"
}

start_batuta() {  # name extra-args...; sets $port
  local name=$1; shift
  "$bin" serve --listen 127.0.0.1 --port 0 --data-dir "$work/$name" \
    --port-file "$work/$name.port" "$@" >/dev/null 2>"$work/$name.log" &
  pids+=($!)
  wait_for_file "$work/$name.port"
  port=$(cat "$work/$name.port")
}

stop_last() {
  kill "${pids[-1]}"
  wait "${pids[-1]}" 2>/dev/null || true
  unset 'pids[-1]'
}

echo "wrk -t$wrk_threads -c$connections -d$duration on $(nproc) cores ($(uname -m)); $("$bin" version)"
echo
printf '| %-34s | %10s | %8s | %8s |\n' "server (GET /healthz)" "requests/s" "p50" "p99"
printf '|%s|%s|%s|%s|\n' "------------------------------------" "------------:" "---------:" "---------:"

export BATUTA_ADMIN_PASSWORD=bench-quiet-river-passphrase
start_batuta quiet --access-log false
run_wrk "batuta, access log off" "http://127.0.0.1:$port/healthz"
# For scale, not for the peer comparison: routes that run on the handler pool and read the
# store on every request. /readyz: SQLite ping + migration state. /api/v1/auth/me: the cost
# of authentication, by API key (SHA-256 + one indexed read) and by session cookie (SHA-256
# + one indexed read + HMAC for the CSRF token).
run_wrk "batuta GET /readyz (pool + SQLite)" "http://127.0.0.1:$port/readyz"
base="http://127.0.0.1:$port"
curl -sf -c "$work/jar" -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$BATUTA_ADMIN_PASSWORD\"}" "$base/api/v1/auth/login" \
  >"$work/me.json"
csrf=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["csrf_token"])' "$work/me.json")
key=$(curl -sf -b "$work/jar" -H 'Content-Type: application/json' -H "Origin: $base" \
  -H "X-CSRF-Token: $csrf" -d '{"name":"bench"}' "$base/api/v1/api-keys" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["key"])')
cookie=$(awk '$6 == "batuta_session" {print $6 "=" $7}' "$work/jar")
run_wrk "batuta GET /auth/me by API key" "$base/api/v1/auth/me" -H "Authorization: Bearer $key"
run_wrk "batuta GET /auth/me by session" "$base/api/v1/auth/me" -H "Cookie: $cookie"
stop_last

start_batuta logged
run_wrk "batuta, access log on (to a file)" "http://127.0.0.1:$port/healthz"
stop_last

if command -v nginx >/dev/null; then
  nginx_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  mkdir -p "$work/nginx"
  cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 2;
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx;
  proxy_temp_path $work/nginx;
  fastcgi_temp_path $work/nginx;
  uwsgi_temp_path $work/nginx;
  scgi_temp_path $work/nginx;
  server {
    listen 127.0.0.1:$nginx_port;
    location = /healthz { default_type application/json; return 200 '{"status":"ok"}'; }
  }
}
CONF
  nginx -c "$work/nginx/nginx.conf" -p "$work/nginx" &
  pids+=($!)
  for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$nginx_port/healthz" >/dev/null && break; sleep 0.1; done
  run_wrk "nginx 1.22 return 200, 2 workers" "http://127.0.0.1:$nginx_port/healthz"
else
  echo "(nginx not installed: run scripts/setup --bench for the side-by-side peer)"
fi
