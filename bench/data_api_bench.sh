#!/usr/bin/env bash
# The data API of `batuta serve` on a ROWS-row × 10-column dataset exported by a real
# sql_export run (from a SQLite file under <data-dir>/sqlite/, excel_br CSV as seed 000 writes
# it), all through the HTTP API: connection, job, run, poll until it succeeded. Then:
#   - GET /api/v1/datasets/{name}/rows?offset=OFFSET&limit=1000 (JSON), PAGES times on one
#     keep-alive connection (bench/bench_helper.py pages): p50 / p90 / p99; also at offset 0;
#   - the whole dataset, ?limit=all as json, ndjson and csv, and /download, with curl, 3 times
#     each: bytes / time_total in MB/s (10^6 bytes);
#   - the peer, seed 000's data API for one page, timed in-process: pandas read_csv(sep=';')
#     of the exported file + iloc slice + to_json ("pandas re-parse per request").
# Everything listens on 127.0.0.1; every step has a timeout; the server and the temp dir are
# removed on exit, also on failure.
#
#   bench/data_api_bench.sh [path/to/batuta]
#   ROWS=1000000 PAGES=200 OFFSET=900000 bench/data_api_bench.sh
#
# Results: docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-build/release/app/batuta}")
rows=${ROWS:-1000000}
pages=${PAGES:-200}
offset=${OFFSET:-900000}
python=/usr/bin/python3  # Debian's, with pandas; a pyenv python3 in PATH may lack it
helper=$PWD/bench/bench_helper.py
work=$(mktemp -d /tmp/batuta-data-api-bench.XXXXXX)
pid=
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

json() {  # field < json
  "$python" -c 'import json,sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"
}

export BATUTA_ADMIN_PASSWORD=bench-quiet-river-passphrase
"$bin" serve --listen 127.0.0.1 --port 0 --data-dir "$work/data" --port-file "$work/port" \
  >/dev/null 2>"$work/server.log" &
pid=$!
for _ in $(seq 1 300); do  # start-up wait, 30 s at most
  [ -s "$work/port" ] && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
[ -s "$work/port" ] || { echo "the server did not start:"; cat "$work/server.log"; exit 1; }
port=$(cat "$work/port")
base="http://127.0.0.1:$port"

curl -sf -m 30 -c "$work/jar" -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$BATUTA_ADMIN_PASSWORD\"}" "$base/api/v1/auth/login" \
  >"$work/me.json"
csrf=$(json csrf_token <"$work/me.json")
key=$(curl -sf -m 30 -b "$work/jar" -H 'Content-Type: application/json' -H "Origin: $base" \
  -H "X-CSRF-Token: $csrf" -d '{"name":"data-api-bench"}' "$base/api/v1/api-keys" | json key)
api() {  # method path [body]
  curl -sS --fail-with-body -m 60 -X "$1" -H "Authorization: Bearer $key" \
    -H 'Content-Type: application/json' ${3:+-d "$3"} "$base$2"
}

echo "creating $rows rows in $work/data/sqlite/bench.db..."
mkdir -p "$work/data/sqlite"
"$python" "$helper" sql sqlite "$rows" | timeout 600 sqlite3 "$work/data/sqlite/bench.db" >/dev/null
query=$("$python" "$helper" query)
api POST /api/v1/connections \
  '{"name":"bench","kind":"sqlite","settings":{"path":"bench.db"}}' >/dev/null
job=$(api POST /api/v1/jobs "$("$python" -c 'import json,sys; print(json.dumps({
  "name": "bench-rows", "type": "sql_export",
  "config": {"connection": "bench", "query": sys.argv[1], "dataset": "bench_rows",
             "csv": {"preset": "excel_br"}}}))' "$query")" | json id)
run=$(api POST "/api/v1/jobs/$job/runs" '{}' | json id)
status=queued
for _ in $(seq 1 1200); do  # up to 10 minutes
  status=$(api GET "/api/v1/runs/$run" | json status)
  case "$status" in queued | running) sleep 0.5 ;; *) break ;; esac
done
api GET "/api/v1/runs/$run" >"$work/run.json"
if [ "$status" != succeeded ]; then
  echo "the export run ended $status:"; cat "$work/run.json"; echo; exit 1
fi
"$python" - "$work/run.json" <<'EOF'
import json, sys
run = json.load(open(sys.argv[1]))
result = run.get("result") or {}
print(f"export run {run['id']}: {result.get('rows')} rows, {result.get('bytes')} bytes, "
      f"started {run.get('started_at')} finished {run.get('finished_at')}")
EOF
exported=$work/data/exports/bench_rows.csv
echo "$(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg); $("$bin" version)"

echo
echo "pages of 1000 rows (JSON), one keep-alive connection, $pages requests after 1 untimed:"
for at in "$offset" 0; do
  path="/api/v1/datasets/bench_rows/rows?offset=$at&limit=1000"
  timeout 300 "$python" "$helper" pages "$port" "$key" "$path" 1 >/dev/null
  timeout 300 "$python" "$helper" pages "$port" "$key" "$path" "$pages" >"$work/pages-$at.json"
  printf '  offset=%-7s %s\n' "$at" "$(cat "$work/pages-$at.json")"
done

echo
echo "the whole dataset (curl, 3 times each; MB = 10^6 bytes):"
for what in "rows?limit=all&format=json" "rows?limit=all&format=ndjson" \
  "rows?limit=all&format=csv" "download"; do
  line="  $what:"
  for _ in 1 2 3; do
    read -r size seconds < <(curl -sf -m 300 -o /dev/null -H "Authorization: Bearer $key" \
      -w '%{size_download} %{time_total}\n' "$base/api/v1/datasets/bench_rows/$what")
    line+=$(awk -v s="$size" -v t="$seconds" 'BEGIN { printf "  %.1f MB in %.2f s = %.0f MB/s", s / 1e6, t, s / 1e6 / t }')
    echo "$what $size $seconds" >>"$work/throughput"
  done
  echo "$line"
done
# The figures are only worth something if the bodies are whole: every row, once.
curl -sf -m 300 -H "Authorization: Bearer $key" -o "$work/all.ndjson" \
  "$base/api/v1/datasets/bench_rows/rows?limit=all&format=ndjson"
echo "  check: the ndjson body has $(wc -l <"$work/all.ndjson") lines" \
  "(last: $(tail -1 "$work/all.ndjson" | cut -c1-60)...)"
rm -f "$work/all.ndjson"
echo "  server peak RSS (VmHWM): $(awk '/VmHWM/ {printf "%.1f MB", $2 / 1024}' "/proc/$pid/status")"

echo
echo "peer: pandas re-parse per request, as seed 000 does (read_csv(sep=';') of the exported"
echo "file, iloc[$offset:$((offset + 1000))], to_json; page_ms excludes importing pandas):"
for _ in 1 2 3; do
  /usr/bin/time -f '%e %M' -o "$work/time" timeout 300 "$python" "$helper" pandas-page \
    "$exported" "$offset" 1000 >"$work/pandas.json"
  read -r wall rss < <(tail -1 "$work/time")
  echo "  $(cat "$work/pandas.json")  process: $wall s, $((rss / 1024)) MB"
done

echo
"$python" - "$work/pages-$offset.json" "$work/throughput" "$offset" <<'EOF'
import json, statistics, sys
page = json.load(open(sys.argv[1]))
rates = [int(size) / 1e6 / float(t) for what, size, t in (l.split() for l in open(sys.argv[2]))
         if what == "rows?limit=all&format=json"]
rate = statistics.median(rates)
for ok, text in [(page["p50_ms"] < 10, f"1000-row JSON page at offset {sys.argv[3]}: median "
                  f"{page['p50_ms']} ms (target < 10 ms)"),
                 (rate >= 100, f"whole dataset as JSON: median {rate:.0f} MB/s "
                  f"(target >= 100 MB/s)")]:
    print(("PASS  " if ok else "FAIL  ") + text)
EOF
