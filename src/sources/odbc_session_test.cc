#include "sources/odbc_session.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <optional>
#include <string>
#include <vector>

#include "postgres_server.h"
#include "sources/sql_session.h"
#include "temp_dir.h"

namespace batuta::sources {
namespace {

using rows::ColumnType;
using testing::PostgresServer;
using Value = std::optional<std::string>;

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

class CountingSink : public rows::RowSink {
 public:
  explicit CountingSink(std::uint64_t fail_at = 0) : fail_at_(fail_at) {}
  Status Begin(std::span<const rows::Column> /*columns*/) override { return Ok(); }
  Status Row(std::span<const rows::Cell> /*cells*/) override {
    if (++count == fail_at_) return Error::Conflict("sink is full");
    return Ok();
  }
  std::uint64_t count = 0;

 private:
  std::uint64_t fail_at_;
};

QueryRequest Request(std::string sql, std::vector<BindValue> binds = {}) {
  QueryRequest request;
  request.sql = std::move(sql);
  request.binds = std::move(binds);
  return request;
}

QueryRequest Write(std::string sql, std::vector<BindValue> binds = {}) {
  QueryRequest request = Request(std::move(sql), std::move(binds));
  request.read_only = false;
  return request;
}

class OdbcTest : public ::testing::Test {
 protected:
  RecordingSink Run(const QueryRequest& request) {
    RecordingSink sink;
    const Status status = session_->Query(request, sink);
    EXPECT_TRUE(status.ok()) << status.error().message;
    return sink;
  }
  Status RunStatus(const QueryRequest& request) {
    RecordingSink sink;
    return session_->Query(request, sink);
  }

  std::unique_ptr<SqlSession> session_;
};

// Through Debian's SQLite3 ODBC driver (libsqliteodbc), on a fresh database file.
class OdbcSqliteTest : public OdbcTest {
 protected:
  void SetUp() override {
    endpoint_.kind = SqlKind::kOdbc;
    endpoint_.odbc_connection_string =
        "Driver={SQLite3};Database=" + (dir_.path() / "test.db").string() + ";";
    auto session = OpenOdbcSession(endpoint_, std::chrono::seconds(5));
    ASSERT_TRUE(session.ok()) << session.error().message;
    session_ = std::move(session).value();
  }

  testing::TempDir dir_;
  SqlEndpoint endpoint_;
};

TEST_F(OdbcSqliteTest, ReportsServerVersion) {
  auto version = session_->ServerVersion();
  ASSERT_TRUE(version.ok()) << version.error().message;
  EXPECT_TRUE(version->starts_with("SQLite 3.")) << *version;
}

TEST_F(OdbcSqliteTest, MapsTypesToCanonicalText) {
  const std::string tricky = "a,b;\"quoted\" 'single'\nnew line é 日本 🎉";
  Run(
      Write("CREATE TABLE t (i INTEGER, r REAL, s TEXT, v VARCHAR(40), d DATE, ts TIMESTAMP, "
            "b BOOLEAN, raw BLOB, n NUMERIC(10,2))"));
  Run(
      Write("INSERT INTO t VALUES (-42, 0.1, :s, 'short', '2024-02-29', "
            "'2024-03-10 01:02:03.25', 1, x'deadBEEF00', 12.5)",
            {{"s", ColumnType::kText, tricky}}));
  Run(Write("INSERT INTO t VALUES (NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, NULL)"));
  const auto sink = Run(Request("SELECT i, r, s, v, d, ts, b, raw, n FROM t ORDER BY i DESC"));
  ASSERT_EQ(sink.columns.size(), 9u);
  EXPECT_EQ(sink.columns[0].name, "i");
  EXPECT_EQ(sink.columns[0].type, ColumnType::kInteger);
  EXPECT_EQ(sink.columns[1].type, ColumnType::kNumber);
  EXPECT_EQ(sink.columns[2].type, ColumnType::kText);
  EXPECT_EQ(sink.columns[3].type, ColumnType::kText);
  EXPECT_EQ(sink.columns[4].type, ColumnType::kDate);
  EXPECT_EQ(sink.columns[5].type, ColumnType::kTimestamp);
  EXPECT_EQ(sink.columns[6].type, ColumnType::kBoolean);
  EXPECT_EQ(sink.columns[7].type, ColumnType::kBytes);
  EXPECT_EQ(sink.columns[8].type, ColumnType::kNumber);
  ASSERT_EQ(sink.rows.size(), 2u);
  EXPECT_EQ(sink.rows[0],
            (std::vector<Value>{"-42", "0.1", tricky, "short", "2024-02-29",
                                "2024-03-10 01:02:03.25", "true", "deadbeef00", "12.5"}));
  EXPECT_EQ(sink.rows[1],
            (std::vector<Value>{std::nullopt, std::nullopt, std::nullopt, std::nullopt,
                                std::nullopt, std::nullopt, "false", std::nullopt, std::nullopt}));
}

TEST_F(OdbcSqliteTest, ReadsLongValuesWhole) {
  const std::string long_text(100000, 'x');
  const std::string beyond_declared(1000, 'y');  // SQLite does not enforce VARCHAR(3)
  std::string long_hex;
  for (int i = 0; i < 20000; ++i) long_hex += "0a";
  Run(Write("CREATE TABLE big (id INTEGER, body TEXT, short VARCHAR(3), blob BLOB)"));
  Run(Write("INSERT INTO big VALUES (1, :body, :short, :blob), (2, 'b', 'abc', x'01')",
            {{"body", ColumnType::kText, long_text + "é"},
             {"short", ColumnType::kText, beyond_declared},
             {"blob", ColumnType::kBytes, long_hex}}));
  const auto sink = Run(Request("SELECT id, body, short, blob FROM big ORDER BY id"));
  ASSERT_EQ(sink.rows.size(), 2u);
  EXPECT_EQ(sink.rows[0][1], long_text + "é");
  EXPECT_EQ(sink.rows[0][2], beyond_declared);
  EXPECT_EQ(sink.rows[0][3], long_hex);
  EXPECT_EQ(sink.rows[1], (std::vector<Value>{"2", "b", "abc", "01"}));
}

TEST_F(OdbcSqliteTest, BindsParametersOfEveryType) {
  Run(
      Write("CREATE TABLE p (id INTEGER, amount NUMERIC, name TEXT, active BOOLEAN, day DATE, "
            "raw BLOB)"));
  Run(Write("INSERT INTO p VALUES (:id, :amount, :name, :active, :day, :raw)",
            {{"id", ColumnType::kInteger, "7"},
             {"amount", ColumnType::kNumber, "10.25"},
             {"name", ColumnType::kText, "Zoë 🎉"},
             {"active", ColumnType::kBoolean, "true"},
             {"day", ColumnType::kDate, "2024-05-01"},
             {"raw", ColumnType::kBytes, "00ff"}}));
  const auto sink = Run(
      Request("SELECT id, amount, name, active, day, raw FROM p WHERE id = :id AND name = :name "
              "AND active = :active AND day = :day AND :nothing IS NULL AND id = :id",
              {{"id", ColumnType::kInteger, "7"},
               {"name", ColumnType::kText, "Zoë 🎉"},
               {"active", ColumnType::kBoolean, "true"},
               {"day", ColumnType::kDate, "2024-05-01"},
               {"nothing", ColumnType::kText, "", true}}));
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0],
            (std::vector<Value>{"7", "10.25", "Zoë 🎉", "true", "2024-05-01", "00ff"}));
}

TEST_F(OdbcSqliteTest, BindsValuesThatLookLikeSql) {
  Run(Write("CREATE TABLE victim (x INTEGER)"));
  const std::string evil = "x'); DROP TABLE victim; --";
  const auto sink = Run(Request("SELECT :value AS echoed, ':not_a_param' AS literal",
                                {{"value", ColumnType::kText, evil}}));
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0], (std::vector<Value>{evil, ":not_a_param"}));
  EXPECT_EQ(Run(Request("SELECT count(*) FROM victim")).rows.size(), 1u);
}

TEST_F(OdbcSqliteTest, MissingBindIsAValidationErrorNamingTheParameter) {
  const Status status = RunStatus(Request("SELECT :absent"));
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kValidation);
  EXPECT_EQ(status.error().details["field"], "absent");
}

TEST_F(OdbcSqliteTest, ReadOnlyQueryLeavesNoWrite) {
  Run(Write("CREATE TABLE ro (x INTEGER)"));
  // The driver ignores the read-only hint; the rollback after the query undoes the write.
  const Status write = RunStatus(Request("INSERT INTO ro VALUES (1)"));
  if (!write.ok()) {
    EXPECT_EQ(write.error().code, ErrorCode::kInvalidArgument) << write.error().message;
  }
  const auto sink = Run(Request("SELECT count(*) FROM ro"));
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0][0], "0");
  Run(Write("INSERT INTO ro VALUES (2)"));
  EXPECT_EQ(Run(Request("SELECT count(*) FROM ro")).rows.at(0).at(0), "1");
}

TEST_F(OdbcSqliteTest, BadSqlIsInvalidArgumentWithTheDriverMessage) {
  const Status status = RunStatus(Request("SELECT * FROM no_such_table"));
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(status.error().message.find("no such table"), std::string::npos)
      << status.error().message;
  EXPECT_EQ(Run(Request("SELECT 1")).rows.size(), 1u);
}

TEST_F(OdbcSqliteTest, StreamsManyRowsWithProgress) {
  auto request = Request(
      "WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 100000) "
      "SELECT x, 'padding' FROM n");
  std::vector<std::uint64_t> progress;
  request.on_progress = [&progress](std::uint64_t rows) { progress.push_back(rows); };
  CountingSink sink;
  const Status status = session_->Query(request, sink);
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(sink.count, 100000u);
  ASSERT_EQ(progress.size(), 11u);
  EXPECT_EQ(progress.back(), 100000u);
}

TEST_F(OdbcSqliteTest, SinkErrorIsReturnedUnchanged) {
  CountingSink sink(/*fail_at=*/10);
  const Status status = session_->Query(
      Request("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 1000) "
              "SELECT x FROM n"),
      sink);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kConflict);
  EXPECT_EQ(status.error().message, "sink is full");
  EXPECT_EQ(Run(Request("SELECT 1")).rows.size(), 1u);
}

TEST(OdbcConnectTest, UnknownDriverIsUnavailable) {
  SqlEndpoint endpoint;
  endpoint.kind = SqlKind::kOdbc;
  endpoint.odbc_connection_string = "Driver={No Such Driver};Database=x";
  auto session = OpenOdbcSession(endpoint, std::chrono::seconds(5));
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(session.error().message.find("No Such Driver"), std::string::npos)
      << session.error().message;
}

TEST(OdbcConnectTest, MissingSqliteFileIsUnavailable) {
  SqlEndpoint endpoint;
  endpoint.kind = SqlKind::kOdbc;
  endpoint.odbc_connection_string = "Driver={SQLite3};Database=/nonexistent/dir/x.db;NoCreat=1";
  auto session = OpenOdbcSession(endpoint, std::chrono::seconds(5));
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.error().code, ErrorCode::kUnavailable);
}

TEST(OdbcConnectTest, EmptyConnectionStringIsAValidationError) {
  SqlEndpoint endpoint;
  endpoint.kind = SqlKind::kOdbc;
  auto session = OpenSqlSession(endpoint, std::chrono::seconds(5));
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.error().code, ErrorCode::kValidation);
}

// Through psqlODBC to the test PostgreSQL server. UseDeclareFetch makes the driver read the
// result in batches (otherwise it loads all of it); BoolsAsChar=0 reports booleans as SQL_BIT.
SqlEndpoint PostgresEndpoint() {
  const PostgresServer& server = PostgresServer::Shared();
  SqlEndpoint endpoint;
  endpoint.kind = SqlKind::kOdbc;
  endpoint.odbc_connection_string =
      "Driver={PostgreSQL Unicode};Servername=" + server.socket_dir() +
      ";Port=" + std::to_string(server.port()) + ";Database=" + server.database() +
      ";BoolsAsChar=0;UseDeclareFetch=1;Fetch=2000";
  // The password has a space, quotes, a backslash and a semicolon: brace quoting carries them.
  endpoint.user = server.user();
  endpoint.password = server.password();
  return endpoint;
}

class OdbcPostgresTest : public OdbcTest {
 protected:
  static void SetUpTestSuite() { PostgresServer::Shared(); }
  void SetUp() override {
    auto session = OpenOdbcSession(PostgresEndpoint(), std::chrono::seconds(10));
    ASSERT_TRUE(session.ok()) << session.error().message;
    session_ = std::move(session).value();
  }
};

TEST_F(OdbcPostgresTest, ReportsServerVersion) {
  auto version = session_->ServerVersion();
  ASSERT_TRUE(version.ok()) << version.error().message;
  EXPECT_TRUE(version->starts_with("PostgreSQL 15.")) << *version;
}

TEST_F(OdbcPostgresTest, MapsTypesToCanonicalText) {
  const std::string tricky = "a,b;\"quoted\" 'single'\nnew line é 日本 🎉";
  const std::string long_varchar(1000, 'v');  // beyond psqlODBC's declared 255
  const auto sink = Run(Request(
      "SELECT 1::int2 AS s, -7::int4 AS i, 9223372036854775807::int8 AS b, 12.50::numeric AS n, "
      "0.1::float8 AS f, 1.5::float4 AS r, true AS yes, false AS no, :tricky::text AS t, "
      ":long::varchar AS v, '2024-02-29'::date AS d, '2024-03-10 01:02:03.25'::timestamp AS ts, "
      "'12:34:56'::time AS tm, '\\xdeadbeef'::bytea AS raw, NULL::text AS nothing, "
      "NULL::int AS no_number",
      {{"tricky", ColumnType::kText, tricky}, {"long", ColumnType::kText, long_varchar}}));
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0], (std::vector<Value>{"1", "-7", "9223372036854775807", "12.50", "0.1",
                                              "1.5", "true", "false", tricky, long_varchar,
                                              "2024-02-29", "2024-03-10 01:02:03.25", "12:34:56",
                                              "deadbeef", std::nullopt, std::nullopt}));
  const std::vector<ColumnType> types{
      ColumnType::kInteger, ColumnType::kInteger, ColumnType::kInteger, ColumnType::kNumber,
      ColumnType::kNumber,  ColumnType::kNumber,  ColumnType::kBoolean, ColumnType::kBoolean,
      ColumnType::kText,    ColumnType::kText,    ColumnType::kDate,    ColumnType::kTimestamp,
      ColumnType::kTime,    ColumnType::kBytes,   ColumnType::kText,    ColumnType::kInteger};
  ASSERT_EQ(sink.columns.size(), types.size());
  for (std::size_t i = 0; i < types.size(); ++i) {
    EXPECT_EQ(sink.columns[i].type, types[i]) << sink.columns[i].name;
  }
  EXPECT_EQ(sink.columns[3].source_type, "numeric");
}

TEST_F(OdbcPostgresTest, BindsParametersOfEveryType) {
  PostgresServer::Shared().Execute(
      "CREATE TABLE odbc_bind (id bigint, amount numeric, name text, active boolean, day date, "
      "at timestamp, raw bytea);"
      "INSERT INTO odbc_bind VALUES (42, 10.25, 'Zoë', true, '2024-05-01', "
      "'2024-05-01 10:00:00.5', '\\x00ff');"
      "GRANT SELECT ON odbc_bind TO " +
      PostgresServer::Shared().user());
  const auto sink = Run(
      Request("SELECT id, name FROM odbc_bind WHERE id = :id AND amount = :amount AND name = :name "
              "AND active = :active AND day = :day AND at = :at AND raw = :raw AND id = :id",
              {{"id", ColumnType::kInteger, "42"},
               {"amount", ColumnType::kNumber, "10.250"},
               {"name", ColumnType::kText, "Zoë"},
               {"active", ColumnType::kBoolean, "true"},
               {"day", ColumnType::kDate, "2024-05-01"},
               {"at", ColumnType::kTimestamp, "2024-05-01 10:00:00.5"},
               {"raw", ColumnType::kBytes, "00ff"}}));
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0], (std::vector<Value>{"42", "Zoë"}));
}

TEST_F(OdbcPostgresTest, ReadOnlyQueryLeavesNoWrite) {
  PostgresServer::Shared().Execute("CREATE TABLE odbc_ro (x int); GRANT ALL ON odbc_ro TO " +
                                   PostgresServer::Shared().user());
  // psqlODBC ignores the read-only hint and runs the INSERT; the rollback after the query
  // undoes it.
  const Status write = RunStatus(Request("INSERT INTO odbc_ro VALUES (1)"));
  if (!write.ok()) {
    EXPECT_EQ(write.error().code, ErrorCode::kInvalidArgument) << write.error().message;
  }
  EXPECT_EQ(PostgresServer::Shared().Execute("SELECT count(*) FROM odbc_ro"), "0\n");
  Run(Write("INSERT INTO odbc_ro VALUES (2)"));
  EXPECT_EQ(PostgresServer::Shared().Execute("SELECT count(*) FROM odbc_ro"), "1\n");
}

TEST_F(OdbcPostgresTest, BadSqlIsInvalidArgument) {
  const Status status = RunStatus(Request("SELECT * FROM no_such_table"));
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(status.error().message.find("no_such_table"), std::string::npos)
      << status.error().message;
  EXPECT_EQ(Run(Request("SELECT 1")).rows.size(), 1u);
}

TEST_F(OdbcPostgresTest, StatementTimeout) {
  auto request = Request("SELECT pg_sleep(30)");
  request.statement_timeout = std::chrono::milliseconds(1000);
  const auto start = std::chrono::steady_clock::now();
  const Status status = RunStatus(request);
  ASSERT_FALSE(status.ok());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(status.error().message.find("statement timeout"), std::string::npos)
      << status.error().message;
  EXPECT_EQ(Run(Request("SELECT 1")).rows.size(), 1u);
}

TEST_F(OdbcPostgresTest, CancelFromAnotherThreadStopsTheQuery) {
  session_->Cancel();  // nothing runs: no effect
  auto running =
      std::async(std::launch::async, [this] { return RunStatus(Request("SELECT pg_sleep(30)")); });
  const auto start = std::chrono::steady_clock::now();
  while (running.wait_for(std::chrono::milliseconds(20)) != std::future_status::ready) {
    session_->Cancel();
    ASSERT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
  }
  const Status status = running.get();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(status.error().message, "query cancelled");
  EXPECT_EQ(Run(Request("SELECT 2")).rows.size(), 1u);
}

TEST_F(OdbcPostgresTest, StreamsManyRows) {
  auto request = Request("SELECT g, repeat('x', 50) AS padding FROM generate_series(1, 100000) g");
  CountingSink sink;
  const Status status = session_->Query(request, sink);
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(sink.count, 100000u);
}

TEST(OdbcPostgresConnectTest, WrongPasswordIsUnavailableMentioningAuthentication) {
  SqlEndpoint endpoint = PostgresEndpoint();
  endpoint.password = "not-the-password";
  auto session = OpenOdbcSession(endpoint, std::chrono::seconds(10));
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.error().code, ErrorCode::kUnavailable);
  EXPECT_NE(session.error().message.find("authentication failed"), std::string::npos)
      << session.error().message;
  EXPECT_EQ(session.error().message.find("not-the-password"), std::string::npos);
}

TEST(OdbcPostgresConnectTest, NoServerIsUnavailable) {
  SqlEndpoint endpoint = PostgresEndpoint();
  endpoint.odbc_connection_string =
      "Driver={PostgreSQL Unicode};Servername=/nonexistent-socket-dir;Port=5432;Database=x";
  auto session = OpenOdbcSession(endpoint, std::chrono::seconds(10));
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.error().code, ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace batuta::sources
