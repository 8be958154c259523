#include "sources/postgres_session.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <optional>
#include <string>
#include <vector>

#include "postgres_server.h"
#include "sources/sql_session.h"

namespace batuta::sources {
namespace {

using rows::ColumnType;
using testing::PostgresServer;
using Value = std::optional<std::string>;

// Copies everything it receives.
class RecordingSink : public rows::RowSink {
 public:
  Status Begin(std::span<const rows::Column> described) override {
    ++begin_calls;
    columns.assign(described.begin(), described.end());
    return Ok();
  }
  Status Row(std::span<const rows::Cell> cells) override {
    auto& row = rows.emplace_back();
    for (const rows::Cell& cell : cells) {
      row.push_back(cell.is_null ? Value{} : Value{std::string(cell.text)});
    }
    return Ok();
  }

  int begin_calls = 0;
  std::vector<rows::Column> columns;
  std::vector<std::vector<Value>> rows;
};

// Counts rows, failing at row `fail_at` (0: never).
class CountingSink : public rows::RowSink {
 public:
  explicit CountingSink(std::uint64_t fail_at = 0) : fail_at_(fail_at) {}
  Status Begin(std::span<const rows::Column> /*columns*/) override { return Ok(); }
  Status Row(std::span<const rows::Cell> cells) override {
    if (++count == fail_at_) return Error::Conflict("sink is full");
    if (!cells.empty() && !cells[0].is_null) bytes += cells[0].text.size();
    return Ok();
  }
  std::uint64_t count = 0;
  std::uint64_t bytes = 0;

 private:
  std::uint64_t fail_at_;
};

SqlEndpoint Endpoint() {
  const PostgresServer& server = PostgresServer::Shared();
  SqlEndpoint endpoint;
  endpoint.kind = SqlKind::kPostgres;
  endpoint.host = server.socket_dir();
  endpoint.port = server.port();
  endpoint.database = server.database();
  endpoint.user = server.user();
  endpoint.password = server.password();
  return endpoint;
}

std::unique_ptr<SqlSession> Open(const SqlEndpoint& endpoint = Endpoint()) {
  auto session = OpenPostgresSession(endpoint, std::chrono::seconds(10));
  if (!session.ok()) ADD_FAILURE() << session.error().message;
  return session.ok() ? std::move(session).value() : nullptr;
}

QueryRequest Request(std::string sql, std::vector<BindValue> binds = {}) {
  QueryRequest request;
  request.sql = std::move(sql);
  request.binds = std::move(binds);
  return request;
}

class PostgresSessionTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { PostgresServer::Shared(); }
  void SetUp() override {
    session_ = Open();
    ASSERT_NE(session_, nullptr);
  }

  // Runs `request` and returns the recorded result; fails the test on error.
  RecordingSink Run(const QueryRequest& request) {
    RecordingSink sink;
    const Status status = session_->Query(request, sink);
    EXPECT_TRUE(status.ok()) << status.error().message;
    return sink;
  }

  std::unique_ptr<SqlSession> session_;
};

TEST_F(PostgresSessionTest, ReportsServerVersion) {
  auto version = session_->ServerVersion();
  ASSERT_TRUE(version.ok()) << version.error().message;
  EXPECT_TRUE(version->starts_with("PostgreSQL 15.")) << *version;
}

TEST_F(PostgresSessionTest, MapsNumericTypesToCanonicalText) {
  const auto sink = Run(Request(
      "SELECT 1::int2 AS s, '-2147483648'::int4 AS i, 9223372036854775807::int8 AS b, "
      "12.50::numeric AS n, -0.000001::numeric AS small, 0.1::float8 AS f, 1e100::float8 AS big, "
      "'NaN'::float8 AS nan, '-Infinity'::float8 AS ninf, 1.5::float4 AS r, 7::oid AS o"));
  ASSERT_EQ(sink.columns.size(), 11u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(sink.columns[i].type, ColumnType::kInteger);
  for (std::size_t i = 3; i < 10; ++i) EXPECT_EQ(sink.columns[i].type, ColumnType::kNumber);
  EXPECT_EQ(sink.columns[0].name, "s");
  EXPECT_EQ(sink.columns[0].source_type, "smallint");
  EXPECT_EQ(sink.columns[3].source_type, "numeric");
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0],
            (std::vector<Value>{"1", "-2147483648", "9223372036854775807", "12.50", "-0.000001",
                                "0.1", "1e+100", "NaN", "-Infinity", "1.5", "7"}));
}

TEST_F(PostgresSessionTest, DeliversTextBytesAndNullsUnchanged) {
  const std::string tricky = "a,b;\"quoted\" 'single'\nnew line\ttab é 日本 🎉";
  const auto sink = Run(Request(
      "SELECT $$" + tricky +
      "$$::text AS t, NULL::text AS nothing, ''::text AS empty, "
      "'x'::varchar(3) AS v, 'ab'::char(4) AS c, '\\xDEADbeef00'::bytea AS raw, ''::bytea AS none, "
      "'{\"a\": [1, 2]}'::jsonb AS doc, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid AS id, "
      "'1 day 02:03:04'::interval AS span, ARRAY[1, 2] AS list"));
  ASSERT_EQ(sink.rows.size(), 1u);
  const auto& row = sink.rows[0];
  EXPECT_EQ(row[0], tricky);
  EXPECT_EQ(row[1], std::nullopt);
  EXPECT_EQ(row[2], "");
  EXPECT_EQ(row[3], "x");
  EXPECT_EQ(row[4], "ab  ");
  EXPECT_EQ(row[5], "deadbeef00");
  EXPECT_EQ(row[6], "");
  EXPECT_EQ(row[7], "{\"a\": [1, 2]}");
  EXPECT_EQ(row[8], "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");
  EXPECT_EQ(row[9], "P1DT2H3M4S");
  EXPECT_EQ(row[10], "{1,2}");
  EXPECT_EQ(sink.columns[0].type, ColumnType::kText);
  EXPECT_EQ(sink.columns[5].type, ColumnType::kBytes);
  EXPECT_EQ(sink.columns[7].source_type, "jsonb");
  EXPECT_EQ(sink.columns[10].type, ColumnType::kText);
  EXPECT_EQ(sink.columns[10].source_type, "oid 1007");  // int4[]
}

TEST_F(PostgresSessionTest, MapsBooleansDatesAndTimes) {
  const auto sink = Run(
      Request("SELECT true AS yes, false AS no, NULL::boolean AS unknown, '2024-02-29'::date AS d, "
              "'12:34:56.5'::time AS t, '23:59:59+05:30'::timetz AS tz, "
              "'2024-03-10 01:02:03.123456'::timestamp AS ts, 'infinity'::timestamp AS forever"));
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0],
            (std::vector<Value>{"true", "false", std::nullopt, "2024-02-29", "12:34:56.5",
                                "23:59:59", "2024-03-10 01:02:03.123456", "infinity"}));
  EXPECT_EQ(sink.columns[0].type, ColumnType::kBoolean);
  EXPECT_EQ(sink.columns[3].type, ColumnType::kDate);
  EXPECT_EQ(sink.columns[4].type, ColumnType::kTime);
  EXPECT_EQ(sink.columns[5].type, ColumnType::kTime);
  EXPECT_EQ(sink.columns[6].type, ColumnType::kTimestamp);
}

TEST_F(PostgresSessionTest, RendersTimestampsWithZoneInTheRequestedZone) {
  auto request = Request(
      "SELECT '2024-01-15 12:00:00+00'::timestamptz AS winter, "
      "'2024-07-15 12:00:00.25+00'::timestamptz AS summer, "
      "'2024-01-15 12:00:00'::timestamp AS naive");
  request.time_zone = "America/Sao_Paulo";
  auto sink = Run(request);
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0], (std::vector<Value>{"2024-01-15 09:00:00", "2024-07-15 09:00:00.25",
                                              "2024-01-15 12:00:00"}));
  EXPECT_EQ(sink.columns[0].type, ColumnType::kTimestamp);

  request.time_zone = "Asia/Kathmandu";  // +05:45
  sink = Run(request);
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0][0], "2024-01-15 17:45:00");

  request.time_zone = "UTC";
  sink = Run(request);
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0][0], "2024-01-15 12:00:00");
}

TEST_F(PostgresSessionTest, RefusesAnUnknownTimeZone) {
  auto request = Request("SELECT 1");
  request.time_zone = "Mars/Olympus_Mons";
  RecordingSink sink;
  const Status status = session_->Query(request, sink);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kValidation);
  EXPECT_EQ(status.error().details["field"], "time_zone");
  EXPECT_NE(status.error().message.find("Mars/Olympus_Mons"), std::string::npos);
  EXPECT_TRUE(Run(Request("SELECT 1")).rows.size() == 1);
}

TEST_F(PostgresSessionTest, BindsParametersOfEveryType) {
  PostgresServer::Shared().Execute(
      "CREATE TABLE bind_target (id bigint, amount numeric, name text, active boolean, "
      "day date, at timestamptz, during time, raw bytea);"
      "INSERT INTO bind_target VALUES (42, 10.25, 'Ana', true, '2024-05-01', "
      "'2024-05-01 10:00:00+00', '08:30:00', '\\x00ff');"
      "GRANT SELECT ON bind_target TO " +
      PostgresServer::Shared().user());
  auto request = Request(
      "SELECT id, name FROM bind_target WHERE id = :id AND amount = :amount AND name = :name "
      "AND active = :active AND day = :day AND at = :at AND during = :during AND raw = :raw "
      "AND :nothing::text IS NULL AND id = :id",
      {{"id", ColumnType::kInteger, "42"},
       {"amount", ColumnType::kNumber, "10.250"},
       {"name", ColumnType::kText, "Ana"},
       {"active", ColumnType::kBoolean, "true"},
       {"day", ColumnType::kDate, "2024-05-01"},
       {"at", ColumnType::kTimestamp, "2024-05-01 07:00:00"},  // São Paulo wall time
       {"during", ColumnType::kTime, "08:30:00"},
       {"raw", ColumnType::kBytes, "00ff"},
       {"nothing", ColumnType::kText, "", true},
       {"unused", ColumnType::kText, "ignored"}});
  request.time_zone = "America/Sao_Paulo";
  const auto sink = Run(request);
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0], (std::vector<Value>{"42", "Ana"}));
}

TEST_F(PostgresSessionTest, BindsValuesThatLookLikeSql) {
  PostgresServer::Shared().Execute(
      "CREATE TABLE injection_target (x int); GRANT SELECT ON "
      "injection_target TO " +
      PostgresServer::Shared().user());
  const std::string evil = "x'); DROP TABLE injection_target; --";
  const auto sink =
      Run(Request("SELECT :value AS echoed, ':not_a_param' AS literal, "
                  "1::int AS cast",
                  {{"value", ColumnType::kText, evil}}));
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0], (std::vector<Value>{evil, ":not_a_param", "1"}));
  EXPECT_EQ(PostgresServer::Shared().Execute("SELECT count(*) FROM injection_target"), "0\n");
}

TEST_F(PostgresSessionTest, MissingBindIsAValidationErrorNamingTheParameter) {
  RecordingSink sink;
  const Status status = session_->Query(
      Request("SELECT :present, :absent", {{"present", ColumnType::kText, "here"}}), sink);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kValidation);
  EXPECT_NE(status.error().message.find("absent"), std::string::npos);
  EXPECT_EQ(status.error().details["field"], "absent");
  EXPECT_EQ(sink.begin_calls, 0);
}

TEST_F(PostgresSessionTest, ReadOnlyQueryCannotWrite) {
  PostgresServer::Shared().Execute(
      "CREATE TABLE read_only_target (x int); GRANT ALL ON "
      "read_only_target TO " +
      PostgresServer::Shared().user());
  RecordingSink sink;
  const Status status = session_->Query(
      Request("WITH inserted AS (INSERT INTO read_only_target VALUES (1) RETURNING x) "
              "SELECT x FROM inserted"),
      sink);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(status.error().message.find("read-only transaction"), std::string::npos)
      << status.error().message;
  EXPECT_NE(status.error().message.find("25006"), std::string::npos);
  EXPECT_EQ(PostgresServer::Shared().Execute("SELECT count(*) FROM read_only_target"), "0\n");

  // The session is clean afterwards, and a query that may write does.
  auto request = Request("INSERT INTO read_only_target VALUES (:x) RETURNING x",
                         {{"x", ColumnType::kInteger, "7"}});
  request.read_only = false;
  const auto written = Run(request);
  ASSERT_EQ(written.rows.size(), 1u);
  EXPECT_EQ(written.rows[0][0], "7");
  EXPECT_EQ(PostgresServer::Shared().Execute("SELECT count(*) FROM read_only_target"), "1\n");
}

TEST_F(PostgresSessionTest, BadSqlIsInvalidArgumentWithTheServerMessage) {
  RecordingSink sink;
  const Status status = session_->Query(Request("SELECT * FROM no_such_table"), sink);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(status.error().message.find("relation \"no_such_table\" does not exist"),
            std::string::npos)
      << status.error().message;
  EXPECT_NE(status.error().message.find("SQLSTATE 42P01"), std::string::npos);
  // Two statements are refused: a query is one statement.
  const Status two = session_->Query(Request("SELECT 1; SELECT 2"), sink);
  ASSERT_FALSE(two.ok());
  EXPECT_EQ(two.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(Run(Request("SELECT 1")).rows.size(), 1u);
}

TEST_F(PostgresSessionTest, StatementTimeout) {
  auto request = Request("SELECT pg_sleep(30)");
  request.statement_timeout = std::chrono::milliseconds(100);
  RecordingSink sink;
  const auto start = std::chrono::steady_clock::now();
  const Status status = session_->Query(request, sink);
  ASSERT_FALSE(status.ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(status.error().message.find("statement timeout"), std::string::npos)
      << status.error().message;
  // The timeout does not stick to later queries.
  auto quick = Request("SELECT pg_sleep(0.3), 1");
  EXPECT_EQ(Run(quick).rows.size(), 1u);
}

TEST_F(PostgresSessionTest, CancelFromAnotherThreadStopsTheQuery) {
  session_->Cancel();  // nothing runs: no effect
  auto running = std::async(std::launch::async, [this] {
    RecordingSink sink;
    return session_->Query(Request("SELECT pg_sleep(30)"), sink);
  });
  const auto start = std::chrono::steady_clock::now();
  // Cancel until the query returns: the first request may come before the query started.
  while (running.wait_for(std::chrono::milliseconds(20)) != std::future_status::ready) {
    session_->Cancel();
    ASSERT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
  }
  const Status status = running.get();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(status.error().message, "query cancelled");
  // The session stays usable and no cancel leaks into the next query.
  EXPECT_EQ(Run(Request("SELECT pg_sleep(0.2), 2")).rows.size(), 1u);
}

TEST_F(PostgresSessionTest, CancelOnceWhileRunning) {
  // Waits (through a second connection) until the server runs the statement, then cancels
  // once.
  auto running = std::async(std::launch::async, [this] {
    RecordingSink sink;
    return session_->Query(Request("SELECT pg_sleep(30) AS cancel_me"), sink);
  });
  auto watcher = Open();
  ASSERT_NE(watcher, nullptr);
  const auto start = std::chrono::steady_clock::now();
  for (;;) {
    RecordingSink activity;
    ASSERT_TRUE(watcher
                    ->Query(Request("SELECT count(*) FROM pg_stat_activity WHERE state = "
                                    "'active' AND query LIKE '%AS cancel_me'"),
                            activity)
                    .ok());
    if (activity.rows.at(0).at(0) == "1") break;
    ASSERT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
  }
  session_->Cancel();
  ASSERT_EQ(running.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  const Status status = running.get();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message, "query cancelled");
}

TEST_F(PostgresSessionTest, StreamsManyRowsWithProgress) {
  auto request = Request(
      "SELECT g, repeat('x', 50) AS padding FROM generate_series(1, 100000) AS g ORDER BY g");
  std::vector<std::uint64_t> progress;
  request.progress_every = 10000;
  request.on_progress = [&progress](std::uint64_t rows) { progress.push_back(rows); };
  CountingSink sink;
  const Status status = session_->Query(request, sink);
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(sink.count, 100000u);
  ASSERT_EQ(progress.size(), 11u);
  EXPECT_EQ(progress.front(), 10000u);
  EXPECT_EQ(progress[9], 100000u);
  EXPECT_EQ(progress.back(), 100000u);  // the final call
}

// Rows reach the sink while the server still produces them: the result is streamed, not
// collected first. The sink looks at the statement from a second connection on the first row.
class ActivityCheckingSink : public rows::RowSink {
 public:
  explicit ActivityCheckingSink(SqlSession& watcher) : watcher_(watcher) {}
  Status Begin(std::span<const rows::Column> /*columns*/) override { return Ok(); }
  Status Row(std::span<const rows::Cell> /*cells*/) override {
    RecordingSink activity;
    BATUTA_RETURN_IF_ERROR(watcher_.Query(
        Request("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE "
                "'%AS streamed_rows%' AND pid <> pg_backend_pid()"),
        activity));
    still_running = activity.rows.at(0).at(0) == "1";
    return Error::Conflict("seen enough");
  }
  bool still_running = false;

 private:
  SqlSession& watcher_;
};

TEST_F(PostgresSessionTest, DeliversRowsWhileTheStatementStillRuns) {
  auto watcher = Open();
  ASSERT_NE(watcher, nullptr);
  ActivityCheckingSink sink(*watcher);
  const Status status =
      session_->Query(Request("SELECT generate_series(1, 1000000000) AS streamed_rows"), sink);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message, "seen enough");
  EXPECT_TRUE(sink.still_running);
}

TEST_F(PostgresSessionTest, StreamsWideRows) {
  // 300 rows of 50 kB, in order and whole.
  auto request = Request(
      "WITH wide AS (SELECT g, repeat(chr(65 + g % 26), 50000) AS blob "
      "FROM generate_series(1, 300) AS g) SELECT g, blob FROM wide ORDER BY g");
  const auto sink = Run(request);
  ASSERT_EQ(sink.rows.size(), 300u);
  for (std::size_t i = 0; i < sink.rows.size(); ++i) {
    const int g = static_cast<int>(i) + 1;
    ASSERT_EQ(sink.rows[i][0], std::to_string(g));
    ASSERT_EQ(sink.rows[i][1], std::string(50000, static_cast<char>('A' + g % 26))) << g;
  }
}

// The same values through both ways of fetching: a query without parameters whose columns all
// have binary renderings comes through a binary COPY, the same query with a parameter in
// single-row mode (text). Every edge of every type with a binary rendering must agree.
TEST_F(PostgresSessionTest, BinaryCopyDeliversExactlyWhatTheTextProtocolDoes) {
  const std::string select =
      "SELECT b, s, i, g, o, n, d, t, ts, by, u, j, jb, tx, vc, ch, nm FROM (VALUES "
      "(true, (-32768)::int2, (-2147483648)::int4, (-9223372036854775808)::int8, 4294967295::oid, "
      " 0::numeric, '4714-11-24 BC'::date, '00:00:00'::time, '4713-01-01 00:00:00 BC'::timestamp,"
      " '\\x00ff10'::bytea, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid, "
      " '{\"b\": [1, 2], \"a\": \"é\"}'::json, '{\"b\": [1, 2], \"a\": \"é\"}'::jsonb, "
      " E'line\\nnext, \"q\" 日本'::text, 'abc'::varchar(5), 'ab'::char(5), 'pg_class'::name),"
      "(false, 32767, 2147483647, 9223372036854775807, 0, 0.00, '0001-12-31 BC', "
      " '23:59:59.999999', '0001-12-31 23:59:59.999999 BC', '', NULL, 'null', '[]', '', '', '', "
      " ''),"
      "(NULL, NULL, NULL, NULL, NULL, -0.000001, '0001-01-01', '24:00:00', "
      " '1999-12-31 23:59:59.999999', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),"
      "(NULL, 0, 0, 0, NULL, 123456789.000001, '1999-12-31', '12:34:56.5', "
      " '2000-01-01 00:00:00', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),"
      "(NULL, NULL, NULL, NULL, NULL, 1e20, '2000-02-29', '00:00:00.000001', "
      " '2020-02-29 12:00:00.25', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),"
      "(NULL, NULL, NULL, NULL, NULL, 'NaN', '5874897-12-31', NULL, "
      " '294276-12-31 23:59:59.999999', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),"
      "(NULL, NULL, NULL, NULL, NULL, 'Infinity', 'infinity', NULL, 'infinity', NULL, NULL, "
      " NULL, NULL, NULL, NULL, NULL, NULL),"
      "(NULL, NULL, NULL, NULL, NULL, '-Infinity', '-infinity', NULL, '-infinity', NULL, NULL, "
      " NULL, NULL, NULL, NULL, NULL, NULL),"
      "(NULL, NULL, NULL, NULL, NULL, 99999999999999999999.99999, '1970-01-01', NULL, "
      " '1970-01-01 00:00:00.1', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),"
      "(NULL, NULL, NULL, NULL, NULL, -0.1234567890123456789, '2400-02-29', NULL, "
      " '1900-03-01 01:02:03', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)"
      ") AS v(b, s, i, g, o, n, d, t, ts, by, u, j, jb, tx, vc, ch, nm)";
  std::vector<std::string> notes;
  auto copied = Request(select);
  copied.on_note = [&notes](std::string_view note) { notes.emplace_back(note); };
  const auto binary = Run(copied);
  EXPECT_EQ(notes, (std::vector<std::string>{"rows come through a binary COPY"}));
  const auto text = Run(Request(select + " WHERE :one = 1", {{"one", ColumnType::kInteger, "1"}}));
  ASSERT_EQ(binary.rows.size(), 10u);
  ASSERT_EQ(text.rows.size(), binary.rows.size());
  for (std::size_t row = 0; row < text.rows.size(); ++row) {
    for (std::size_t column = 0; column < text.columns.size(); ++column) {
      EXPECT_EQ(binary.rows[row][column], text.rows[row][column])
          << "row " << row + 1 << ", column " << text.columns[column].name;
    }
  }
  ASSERT_EQ(binary.columns.size(), text.columns.size());
  for (std::size_t column = 0; column < text.columns.size(); ++column) {
    EXPECT_EQ(binary.columns[column].name, text.columns[column].name);
    EXPECT_EQ(binary.columns[column].type, text.columns[column].type);
    EXPECT_EQ(binary.columns[column].source_type, text.columns[column].source_type);
  }
  EXPECT_EQ(binary.rows[0][6], "4714-11-24 BC");
  EXPECT_EQ(binary.rows[1][5], "0.00");
  EXPECT_EQ(binary.rows[0][15], "ab   ");
}

TEST_F(PostgresSessionTest, SaysHowRowsAreFetchedAndWhy) {
  const auto note_of = [this](QueryRequest request) {
    std::vector<std::string> notes;
    request.on_note = [&notes](std::string_view note) { notes.emplace_back(note); };
    Run(request);
    return notes.size() == 1 ? notes[0] : "notes: " + std::to_string(notes.size());
  };
  EXPECT_EQ(note_of(Request("SELECT 1::int8 AS a, 'x'::text AS b")),
            "rows come through a binary COPY");
  EXPECT_EQ(note_of(Request("SELECT 1::int8 AS a, 0.5::float8 AS price")),
            "rows come in single-row mode: column 2 (price) is double precision, which has no "
            "exact binary rendering");
  EXPECT_EQ(note_of(Request("SELECT :a::int8 AS a", {{"a", ColumnType::kInteger, "1"}})),
            "rows come in single-row mode: the query has parameters, which COPY cannot bind");
  auto writable = Request("SELECT 1::int8 AS a");
  writable.read_only = false;
  EXPECT_EQ(note_of(writable), "rows come in single-row mode: the query is not read-only");
  EXPECT_EQ(note_of(Request("SHOW TimeZone")),
            "rows come in single-row mode: the statement is not a query COPY can run");
}

// The statement goes into COPY ( … ) as written, less a final ';' and what follows its last
// token: leading comments and parentheses, a trailing line comment, WITH and VALUES.
TEST_F(PostgresSessionTest, QueriesOfEveryShapeRunThroughCopy) {
  const auto via_copy = [this](const std::string& sql) {
    std::vector<std::string> notes;
    auto request = Request(sql);
    request.on_note = [&notes](std::string_view note) { notes.emplace_back(note); };
    const auto sink = Run(request);
    EXPECT_EQ(notes, (std::vector<std::string>{"rows come through a binary COPY"})) << sql;
    return sink.rows;
  };
  using Rows = std::vector<std::vector<Value>>;
  EXPECT_EQ(via_copy("SELECT 1::int8 AS one; -- the end"), (Rows{{"1"}}));
  EXPECT_EQ(via_copy("/* first */ (SELECT 2::int4 AS two) UNION ALL (SELECT 3) ORDER BY 1 ;\n"),
            (Rows{{"2"}, {"3"}}));
  EXPECT_EQ(via_copy("-- comment\nWITH x AS (SELECT 'a;b'::text AS v) SELECT v FROM x -- tail"),
            (Rows{{"a;b"}}));
  EXPECT_EQ(via_copy("values (1::int2, $$)$$::text)"), (Rows{{"1", ")"}}));
}

TEST_F(PostgresSessionTest, CancelStopsABinaryCopy) {
  std::atomic<bool> first_row{false};
  class SignallingSink : public rows::RowSink {
   public:
    explicit SignallingSink(std::atomic<bool>& seen) : seen_(seen) {}
    Status Begin(std::span<const rows::Column> /*columns*/) override { return Ok(); }
    Status Row(std::span<const rows::Cell> /*cells*/) override {
      seen_ = true;
      return Ok();
    }

   private:
    std::atomic<bool>& seen_;
  };
  // generate_series in the select list streams its rows (in FROM it would collect them first).
  auto running = std::async(std::launch::async, [this, &first_row] {
    SignallingSink sink(first_row);
    return session_->Query(Request("SELECT generate_series(1, 1000000000000) AS g"), sink);
  });
  const auto start = std::chrono::steady_clock::now();
  while (!first_row &&
         running.wait_for(std::chrono::milliseconds(5)) != std::future_status::ready &&
         std::chrono::steady_clock::now() - start < std::chrono::seconds(20)) {
  }
  EXPECT_TRUE(first_row);
  session_->Cancel();
  ASSERT_EQ(running.wait_for(std::chrono::seconds(20)), std::future_status::ready);
  const Status status = running.get();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message, "query cancelled");
  EXPECT_EQ(Run(Request("SELECT 5::int8")).rows, (std::vector<std::vector<Value>>{{"5"}}));
}

TEST_F(PostgresSessionTest, StatementTimeoutStopsABinaryCopy) {
  auto request = Request("SELECT generate_series(1, 1000000000000) AS g");
  request.statement_timeout = std::chrono::milliseconds(200);
  CountingSink sink;
  const Status status = session_->Query(request, sink);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(status.error().message.find("statement timeout"), std::string::npos)
      << status.error().message;
  EXPECT_EQ(Run(Request("SELECT 6::int8")).rows, (std::vector<std::vector<Value>>{{"6"}}));
}

TEST_F(PostgresSessionTest, ErrorPositionsCountInTheStatementAsWritten) {
  for (const bool read_only : {true, false}) {
    auto request = Request("SELECT 1 FROM no_such_table");
    request.read_only = read_only;
    RecordingSink sink;
    const Status status = session_->Query(request, sink);
    ASSERT_FALSE(status.ok());
    EXPECT_NE(status.error().message.find("at character 15"), std::string::npos)
        << read_only << ": " << status.error().message;
  }
}

TEST_F(PostgresSessionTest, SinkErrorStopsTheStatementAndIsReturnedUnchanged) {
  // A billion rows would take minutes: the statement is cancelled, not drained.
  CountingSink sink(/*fail_at=*/1000);
  const auto start = std::chrono::steady_clock::now();
  const Status status =
      session_->Query(Request("SELECT generate_series(1, 1000000000) AS g"), sink);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kConflict);
  EXPECT_EQ(status.error().message, "sink is full");
  EXPECT_EQ(sink.count, 1000u);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
  EXPECT_EQ(Run(Request("SELECT 1")).rows.size(), 1u);
}

TEST_F(PostgresSessionTest, EmptyResultStillDescribesColumns) {
  const auto sink = Run(Request("SELECT 1::int AS a, 'x'::text AS b WHERE false"));
  EXPECT_EQ(sink.begin_calls, 1);
  ASSERT_EQ(sink.columns.size(), 2u);
  EXPECT_EQ(sink.columns[1].name, "b");
  EXPECT_TRUE(sink.rows.empty());
}

TEST_F(PostgresSessionTest, ReconnectsAfterTheServerDroppedTheConnection) {
  EXPECT_EQ(Run(Request("SELECT 1")).rows.size(), 1u);
  PostgresServer::Shared().Execute(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = "
      "'batuta' AND pid <> pg_backend_pid()");
  const auto sink = Run(Request("SELECT 2"));
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0][0], "2");
}

TEST(PostgresConnectTest, WrongPasswordIsUnavailableMentioningAuthentication) {
  SqlEndpoint endpoint = Endpoint();
  endpoint.password = "not-the-password";
  auto session = OpenPostgresSession(endpoint, std::chrono::seconds(10));
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(session.error().message.find("authentication failed"), std::string::npos)
      << session.error().message;
  EXPECT_EQ(session.error().message.find("not-the-password"), std::string::npos);
}

TEST(PostgresConnectTest, NoServerIsUnavailable) {
  SqlEndpoint endpoint = Endpoint();
  endpoint.host = "/nonexistent-socket-dir";
  auto session = OpenPostgresSession(endpoint, std::chrono::seconds(10));
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(session.error().message.find("/nonexistent-socket-dir"), std::string::npos)
      << session.error().message;
}

TEST(PostgresConnectTest, UnknownDatabaseIsUnavailable) {
  SqlEndpoint endpoint = Endpoint();
  endpoint.database = "no_such_database";
  auto session = OpenPostgresSession(endpoint, std::chrono::seconds(10));
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(session.error().message.find("no_such_database"), std::string::npos);
}

TEST(PostgresConnectTest, RefusesUnknownOptions) {
  SqlEndpoint endpoint = Endpoint();
  endpoint.options["sslcert"] = "/etc/passwd";
  auto session = OpenPostgresSession(endpoint, std::chrono::seconds(10));
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.error().code, ErrorCode::kValidation);
}

TEST(PostgresConnectTest, HonoursOptionsAndTheDispatcher) {
  SqlEndpoint endpoint = Endpoint();
  endpoint.options["application_name"] = "batuta-test-app";
  endpoint.options["sslmode"] = "disable";
  auto session = OpenSqlSession(endpoint, std::chrono::seconds(10));
  ASSERT_TRUE(session.ok()) << session.error().message;
  RecordingSink sink;
  ASSERT_TRUE((*session)->Query(Request("SELECT current_setting('application_name')"), sink).ok());
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0][0], "batuta-test-app");
  EXPECT_EQ(SqlKindName(SqlKind::kPostgres), "postgres");
}

}  // namespace
}  // namespace batuta::sources
