#!/usr/bin/python3
"""Helpers of bench/export_bench.sh and bench/data_api_bench.sh (Debian's python3, which has
pandas, SQLAlchemy and psycopg2; a python3 earlier in PATH may not).

  bench_helper.py sql postgres|sqlite ROWS        the statements creating the bench table
  bench_helper.py query                           the SELECT every tool exports
  bench_helper.py pandas-postgres URL OUT         pandas read_sql + to_csv (the peer)
  bench_helper.py pandas-sqlite FILE OUT
  bench_helper.py same-rows A B [DELIMITER_B]     parses two CSV files, compares the rows
  bench_helper.py pages PORT KEY PATH COUNT       GET PATH COUNT times on one keep-alive
                                                  connection; prints p50/p90/p99 ms as JSON
  bench_helper.py pandas-page FILE OFFSET LIMIT   seed 000's data API for one page: read the
                                                  whole CSV (sep=';'), slice, to_json
  bench_helper.py summary RESULTS                 the table of export_bench.sh (RESULTS: lines
                                                  "tool wall_s max_rss_kb cpu_s")
"""
import csv
import http.client
import json
import statistics
import sys
import time

COLUMNS = "id, code, name, city, created_at, amount, quantity, note, score, updated_at"

# The same ten columns in both dialects: integers, text with ',', '"', newlines and accents, a
# zero-padded code, timestamps, numeric(12,2), and NULLs in quantity (1 in 7), note (3 in 4)
# and updated_at (1 in 5).
POSTGRES_SQL = """
SET client_min_messages = warning;
DROP TABLE IF EXISTS bench_rows;
CREATE TABLE bench_rows (
  id bigint, code text, name text, city text, created_at timestamp, amount numeric(12,2),
  quantity integer, note text, score bigint, updated_at timestamp);
INSERT INTO bench_rows
SELECT i,
  lpad(i::text, 11, '0'),
  'Cliente ' || i || ', "Filial ' || (i % 97) || '"'
    || CASE WHEN i % 10 = 0 THEN E'\\nsegunda linha' ELSE '' END,
  CASE i % 5 WHEN 0 THEN 'São Paulo' WHEN 1 THEN 'Belém' WHEN 2 THEN 'Maceió'
    WHEN 3 THEN 'Goiânia' ELSE 'Brasília, DF' END,
  timestamp '2020-01-01 00:00:00' + i * interval '37 seconds',
  ((i * 7919) % 2000000 - 500000) / 100.0,
  CASE WHEN i % 7 = 0 THEN NULL ELSE i % 1000 END,
  CASE WHEN i % 4 = 0 THEN 'obs; item ' || i || ' – ação "x"' END,
  (i * 2654435761) % 4294967296 - 2147483648,
  CASE WHEN i % 5 = 0 THEN NULL
    ELSE timestamp '2020-01-01 00:00:00' + (i * 37 + i % 86400) * interval '1 second' END
FROM generate_series(1::bigint, {rows}) AS i;
VACUUM ANALYZE bench_rows;
"""

SQLITE_SQL = """
PRAGMA journal_mode = OFF;
PRAGMA synchronous = OFF;
DROP TABLE IF EXISTS bench_rows;
CREATE TABLE bench_rows (
  id INTEGER, code TEXT, name TEXT, city TEXT, created_at TIMESTAMP, amount NUMERIC(12,2),
  quantity INTEGER, note TEXT, score INTEGER, updated_at TIMESTAMP);
INSERT INTO bench_rows
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {rows})
SELECT i,
  printf('%011d', i),
  'Cliente ' || i || ', "Filial ' || (i % 97) || '"'
    || CASE WHEN i % 10 = 0 THEN char(10) || 'segunda linha' ELSE '' END,
  CASE i % 5 WHEN 0 THEN 'São Paulo' WHEN 1 THEN 'Belém' WHEN 2 THEN 'Maceió'
    WHEN 3 THEN 'Goiânia' ELSE 'Brasília, DF' END,
  datetime('2020-01-01 00:00:00', '+' || (i * 37) || ' seconds'),
  ((i * 7919) % 2000000 - 500000) / 100.0,
  CASE WHEN i % 7 = 0 THEN NULL ELSE i % 1000 END,
  CASE WHEN i % 4 = 0 THEN 'obs; item ' || i || ' – ação "x"' END,
  (i * 2654435761) % 4294967296 - 2147483648,
  CASE WHEN i % 5 = 0 THEN NULL
    ELSE datetime('2020-01-01 00:00:00', '+' || (i * 37 + i % 86400) || ' seconds') END
FROM s;
"""


def query():
    return f"SELECT {COLUMNS} FROM bench_rows"


def pandas_export(source, out):
    import pandas as pd  # imported here: the other commands must not pay for it
    frame = pd.read_sql(query(), source)
    frame.to_csv(out, index=False)


def same_rows(a, b, delimiter_b=","):
    """Both files parse to the same rows (the header included)."""
    with open(a, newline="", encoding="utf-8-sig") as fa, \
            open(b, newline="", encoding="utf-8-sig") as fb:
        ra, rb = csv.reader(fa), csv.reader(fb, delimiter=delimiter_b)
        count = 0
        for row_a, row_b in zip(ra, rb):
            if row_a != row_b:
                print(f"row {count} differs:\n  {row_a}\n  {row_b}")
                return 1
            count += 1
        if next(ra, None) is not None or next(rb, None) is not None:
            print(f"the files have different row counts (equal for the first {count})")
            return 1
    print(f"{count - 1} rows, identical once parsed")
    return 0


def pages(port, key, path, count):
    connection = http.client.HTTPConnection("127.0.0.1", int(port), timeout=30)
    headers = {"Authorization": f"Bearer {key}"}
    times, size = [], 0
    for _ in range(int(count)):
        start = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        times.append((time.perf_counter() - start) * 1000)
        if response.status != 200:
            raise SystemExit(f"GET {path}: {response.status} {body[:300]!r}")
        size = len(body)
    rows = len(json.loads(body)["rows"])
    times.sort()

    def q(p):
        return times[min(len(times) - 1, int(p * (len(times) - 1) + 0.5))]
    print(json.dumps({"requests": len(times), "rows": rows, "bytes": size,
                      "p50_ms": round(q(0.5), 2), "p90_ms": round(q(0.9), 2),
                      "p99_ms": round(q(0.99), 2), "max_ms": round(times[-1], 2)}))


def pandas_page(file, offset, limit):
    start = time.perf_counter()
    import pandas as pd
    imported = time.perf_counter()
    frame = pd.read_csv(file, sep=";", encoding="utf-8")
    offset, limit = int(offset), int(limit)
    body = frame.iloc[offset:offset + limit].to_json(orient="records")
    done = time.perf_counter()
    print(json.dumps({"rows": len(json.loads(body)), "bytes": len(body),
                      "import_ms": round((imported - start) * 1000, 1),
                      "page_ms": round((done - imported) * 1000, 1)}))


def summary(results):
    """Median wall time, max RSS and median CPU (user + system) per tool; wall and RSS also as
    multiples of batuta's on the same source (above 1: batuta is faster or smaller). Tools in
    the order they first appear."""
    runs = {}
    for line in open(results):
        tool, wall, rss, cpu = line.split()
        runs.setdefault(tool, []).append((float(wall), int(rss), float(cpu)))
    print("| tool | wall per run (s) | median wall | max RSS | median CPU | wall ÷ batuta's "
          "| RSS ÷ batuta's |")
    print("|---|---|---:|---:|---:|---:|---:|")
    medians = {}
    for tool, values in runs.items():
        medians[tool] = (statistics.median(v[0] for v in values), max(v[1] for v in values),
                         statistics.median(v[2] for v in values))
    for tool, (wall, rss, cpu) in medians.items():
        own = tool.split(":")[0] + ":batuta"
        base = medians.get(own)
        mine = base is None or tool == own
        walls = ", ".join(f"{v[0]:.2f}" for v in runs[tool])
        print(f"| {tool} | {walls} | {wall:.2f} s | {rss / 1024:.1f} MB | {cpu:.2f} s | "
              f"{'–' if mine else f'{wall / base[0]:.2f}×'} | "
              f"{'–' if mine else f'{rss / base[1]:.1f}×'} |")
    return medians


def targets(results):
    medians = summary(results)
    print()
    checks = []

    def check(name, ok, detail):
        checks.append(ok)
        print(f"{'PASS' if ok else 'FAIL'}  {name}: {detail}")

    def get(tool):
        return medians.get(tool)
    pg, psql = get("postgres:batuta"), get("postgres:psql")
    if pg and psql:
        check("postgres: batuta >= 1.2x faster than psql \\copy", psql[0] / pg[0] >= 1.2,
              f"{psql[0] / pg[0]:.2f}x")
    if pg:
        check("postgres: batuta peak RSS < 32 MB", pg[1] < 32 * 1024, f"{pg[1] / 1024:.1f} MB")
    lite, sqlite3 = get("sqlite:batuta"), get("sqlite:sqlite3")
    if lite and sqlite3:
        check("sqlite: batuta >= 1.1x faster than sqlite3 -csv", sqlite3[0] / lite[0] >= 1.1,
              f"{sqlite3[0] / lite[0]:.2f}x")
    pandas = get("postgres:pandas")
    if pg and pandas:
        check("postgres: batuta >= 10x faster than pandas", pandas[0] / pg[0] >= 10,
              f"{pandas[0] / pg[0]:.1f}x")
        check("postgres: batuta >= 20x less memory than pandas", pandas[1] / pg[1] >= 20,
              f"{pandas[1] / pg[1]:.1f}x")
    return 0 if all(checks) else 1


def main(argv):
    command = argv[1] if len(argv) > 1 else ""
    if command == "sql":
        template = POSTGRES_SQL if argv[2] == "postgres" else SQLITE_SQL
        print(template.replace("{rows}", str(int(argv[3]))))
    elif command == "query":
        print(query())
    elif command == "pandas-postgres":
        import sqlalchemy
        pandas_export(sqlalchemy.create_engine(argv[2]), argv[3])
    elif command == "pandas-sqlite":
        import sqlite3
        pandas_export(sqlite3.connect(argv[2]), argv[3])
    elif command == "same-rows":
        return same_rows(argv[2], argv[3], argv[4] if len(argv) > 4 else ",")
    elif command == "pages":
        pages(*argv[2:6])
    elif command == "pandas-page":
        pandas_page(*argv[2:5])
    elif command == "summary":
        return targets(argv[2])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
