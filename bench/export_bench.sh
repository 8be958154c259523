#!/usr/bin/env bash
# SQL to CSV: one sql_export run (bench/export_bench, a real SqlExport::Run in its own process)
# side by side with `psql -c "\copy (SELECT …) TO 'file' CSV HEADER"`, `sqlite3 -csv -header`
# and pandas `read_sql` + `to_csv`, on the same ROWS-row × 10-column table (integers, text with
# ',', '"', newlines and accents, timestamps, numeric(12,2), NULLs) in PostgreSQL 15 and in
# SQLite. Every tool writes into the same folder; each is timed by /usr/bin/time (wall seconds,
# max RSS, user + system CPU), REPEAT times, the tools alternating. The outputs are checked to parse to the same
# rows. Prints a table (median wall, max RSS, both as multiples of batuta's on the same source)
# and the targets' pass/fail.
#
# PostgreSQL is started here: initdb in a temp dir, a unix socket in that dir only
# (listen_addresses = ''), as the `postgres` user when run as root. Everything is removed on
# exit, also on failure or ^C; every command has a timeout.
#
#   bench/export_bench.sh [path/to/export_bench]
#   ROWS=1000000 REPEAT=3 TOOLS="postgres:batuta postgres:psql sqlite:batuta …" bench/export_bench.sh
#   LOAD=1 bench/export_bench.sh   # the same with 1 busy loop per LOAD competing for the cores
#
# Results: docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
bench=$(realpath "${1:-build/release/bench/export_bench}")
rows=${ROWS:-1000000}
repeat=${REPEAT:-3}
step_timeout=${STEP_TIMEOUT:-600}  # seconds, for any one command
pg_bin=${BATUTA_PG_BIN:-/usr/lib/postgresql/15/bin}
python=/usr/bin/python3  # Debian's, with pandas; a pyenv python3 in PATH may lack it
helper=$PWD/bench/bench_helper.py
time_bin=/usr/bin/time
for tool in "$bench" "$pg_bin/initdb" "$pg_bin/pg_ctl" "$pg_bin/psql" "$time_bin" sqlite3; do
  command -v "$tool" >/dev/null || { echo "export_bench: $tool is missing (scripts/setup --bench)"; exit 2; }
done

work=$(mktemp -d /tmp/batuta-export-bench.XXXXXX)
chmod 755 "$work"
pg_started=0
load=${LOAD:-0}  # busy loops running beside the tools: a machine that is not idle
load_pids=()
as_pg=()
if [ "$(id -u)" = 0 ]; then as_pg=(runuser -u postgres --); fi
cleanup() {
  if [ "${#load_pids[@]}" -gt 0 ]; then kill "${load_pids[@]}" 2>/dev/null || true; fi
  if [ "$pg_started" = 1 ]; then
    timeout 60 "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/pg/data" -m immediate -w stop \
      >/dev/null 2>&1 || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# PostgreSQL on a socket in $work/pg, trust for the local socket only (nothing else listens).
mkdir -p "$work/pg" "$work/out"
if [ "${#as_pg[@]}" -gt 0 ]; then chown postgres: "$work/pg"; fi
timeout 120 "${as_pg[@]}" "$pg_bin/initdb" -D "$work/pg/data" -U bench --auth=trust -E UTF8 \
  --no-locale --no-sync >"$work/initdb.log" 2>&1 || { cat "$work/initdb.log"; exit 1; }
cat >>"$work/pg/data/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$work/pg'
port = 5432
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
timeout 120 "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/postgres.log" -w \
  -t 60 start >/dev/null
pg_started=1
psql_cmd=("$pg_bin/psql" -X -q -v ON_ERROR_STOP=1 -h "$work/pg" -p 5432 -U bench -d postgres)

query=$("$python" "$helper" query)
echo "creating $rows rows in PostgreSQL and SQLite..."
"$python" "$helper" sql postgres "$rows" | timeout "$step_timeout" "${psql_cmd[@]}" >/dev/null
"$python" "$helper" sql sqlite "$rows" | timeout "$step_timeout" sqlite3 "$work/out/source.db" \
  >/dev/null
# Warm both sources (the table's pages in the caches) so no tool pays for the first read.
timeout "$step_timeout" "${psql_cmd[@]}" -c "SELECT count(*), sum(length(name)) FROM bench_rows" \
  >/dev/null
timeout "$step_timeout" sqlite3 "$work/out/source.db" \
  "SELECT count(*), sum(length(name)) FROM bench_rows" >/dev/null

pg_url="postgresql+psycopg2://bench@/postgres?host=$work/pg&port=5432"
out=$work/out
tool_command() {  # source:tool -> sets cmd (argv) and to_stdout (1: its stdout is the CSV)
  local file=$out/${1/:/-}.csv
  to_stdout=0
  case "$1" in
    postgres:batuta)
      cmd=("$bench" --kind postgres --host "$work/pg" --port 5432 --database postgres
        --user bench --query "$query" --work-dir "$out" --output "$file") ;;
    postgres:batuta-excel_br)
      cmd=("$bench" --kind postgres --host "$work/pg" --port 5432 --database postgres
        --user bench --query "$query" --preset excel_br --work-dir "$out" --output "$file") ;;
    postgres:batuta-bound)
      cmd=("$bench" --kind postgres --host "$work/pg" --port 5432 --database postgres
        --user bench --query "$query WHERE created_at < :today" --work-dir "$out"
        --output "$file") ;;
    postgres:batuta-source-only)
      cmd=("$bench" --kind postgres --host "$work/pg" --port 5432 --database postgres
        --user bench --query "$query" --work-dir "$out" --source-only) ;;
    postgres:psql) cmd=("${psql_cmd[@]}" -c "\\copy ($query) to '$file' csv header") ;;
    postgres:pandas) cmd=("$python" "$helper" pandas-postgres "$pg_url" "$file") ;;
    sqlite:batuta)
      cmd=("$bench" --kind sqlite --sqlite-path "$out/source.db" --query "$query"
        --work-dir "$out" --output "$file") ;;
    sqlite:batuta-source-only)
      cmd=("$bench" --kind sqlite --sqlite-path "$out/source.db" --query "$query"
        --work-dir "$out" --source-only) ;;
    sqlite:sqlite3) cmd=(sqlite3 -csv -header "$out/source.db" "$query"); to_stdout=1 ;;
    sqlite:pandas) cmd=("$python" "$helper" pandas-sqlite "$out/source.db" "$file") ;;
    *) echo "export_bench: unknown tool $1"; exit 2 ;;
  esac
}
# batuta-excel_br: the seed's format (';', decimal comma, dd/mm/yyyy, BOM, formula guard).
# batuta-bound: the query with a bound date (every row is older than :today), as seed queries
# are; a query with parameters cannot run as COPY, so its rows come in single-row mode.
# batuta-source-only: the rows through batuta's SqlSession into a counting sink, no file.
tools=${TOOLS:-postgres:batuta postgres:psql postgres:pandas postgres:batuta-excel_br
  postgres:batuta-bound postgres:batuta-source-only sqlite:batuta sqlite:sqlite3 sqlite:pandas sqlite:batuta-source-only}

echo "$rows rows × 10 columns; $repeat runs per tool, alternating; $(nproc) cores," \
  "load $(cut -d' ' -f1-3 /proc/loadavg); $("$pg_bin/postgres" --version); sqlite3 $(sqlite3 --version | cut -d' ' -f1)"
# Each busy loop stops by itself after the longest the measurement may take, and at exit.
for _ in $(seq 1 "$load"); do
  timeout "$((step_timeout * repeat))" sh -c 'while :; do :; done' &
  load_pids+=($!)
done
if [ "$load" -gt 0 ]; then echo "with $load busy loop(s) beside the tools"; fi
: >"$work/results"
for run in $(seq 1 "$repeat"); do
  for tool in $tools; do
    file=$out/${tool/:/-}.csv
    rm -f "$file"
    tool_command "$tool"
    stdout=$work/stdout
    if [ "$to_stdout" = 1 ]; then stdout=$file; fi
    # time(1) reports the largest RSS among the processes it waited for: the tool's own.
    if ! "$time_bin" -f '%e %M %U %S' -o "$work/time" timeout "$step_timeout" "${cmd[@]}" \
      >"$stdout" 2>"$work/stderr"; then
      echo "$tool failed (run $run):"; cat "$work/stdout" "$work/stderr" "$work/time"; exit 1
    fi
    read -r wall rss user sys < <(tail -1 "$work/time")
    cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
    echo "$tool $wall $rss $cpu" >>"$work/results"
    extra=
    if [ "$to_stdout" = 0 ]; then extra=$(grep -o '"run_seconds":[0-9.]*' "$work/stdout" || true); fi
    echo "  run $run  $tool: ${wall} s, $((rss / 1024)) MB, CPU ${cpu} s ${extra:+($extra)}"
  done
done

echo
echo "outputs (last run), checked against psql / sqlite3 by parsing both:"
ls -l "$out"/*.csv | awk '{print "  " $5 " bytes  " $NF}' | sed "s|$out/||"
check() {  # a b [delimiter of b]
  if [ -f "$out/$1.csv" ] && [ -f "$out/$2.csv" ]; then
    printf '  %s = %s: ' "$2" "$1"
    timeout "$step_timeout" "$python" "$helper" same-rows "$out/$1.csv" "$out/$2.csv" ${3:+"$3"} || true
  fi
}
check postgres-psql postgres-batuta
check postgres-psql postgres-batuta-bound
check sqlite-sqlite3 sqlite-batuta
echo
"$python" "$helper" summary "$work/results"
