#include "sources/sqlite_session.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <optional>
#include <thread>

#include "temp_dir.h"

namespace batuta::sources {
namespace {

using rows::ColumnType;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

using RowValues = std::vector<std::optional<std::string>>;

// Keeps everything it receives.
class CollectingSink : public rows::RowSink {
 public:
  Status Begin(std::span<const rows::Column> columns) override {
    columns_.assign(columns.begin(), columns.end());
    return Ok();
  }
  Status Row(std::span<const rows::Cell> cells) override {
    RowValues row;
    for (const rows::Cell& cell : cells) {
      row.push_back(cell.is_null ? std::nullopt : std::optional<std::string>(cell.text));
    }
    rows_.push_back(std::move(row));
    return Ok();
  }
  std::vector<ColumnType> types() const {
    std::vector<ColumnType> types;
    for (const rows::Column& column : columns_) types.push_back(column.type);
    return types;
  }

  std::vector<rows::Column> columns_;
  std::vector<RowValues> rows_;
};

class SqliteSessionTest : public ::testing::Test {
 protected:
  SqliteSessionTest() : path_((dir_.path() / "test.db").string()) {}

  void CreateDatabase(const char* sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(
        sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr),
        SQLITE_OK);
    char* error = nullptr;
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &error);
    EXPECT_EQ(rc, SQLITE_OK) << (error != nullptr ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
  }

  std::unique_ptr<SqlSession> Open() {
    SqlEndpoint endpoint;
    endpoint.kind = SqlKind::kSqlite;
    endpoint.sqlite_path = path_;
    Result<std::unique_ptr<SqlSession>> session =
        OpenSqliteSession(endpoint, std::chrono::milliseconds(0));
    EXPECT_TRUE(session.ok()) << session.error().message;
    return session.ok() ? std::move(session).value() : nullptr;
  }

  // Runs `sql` on a fresh session; expects success.
  CollectingSink Run(const QueryRequest& request) {
    CollectingSink sink;
    const Status status = Open()->Query(request, sink);
    EXPECT_TRUE(status.ok()) << request.sql << ": " << status.error().message;
    return sink;
  }
  CollectingSink Run(std::string sql) {
    QueryRequest request;
    request.sql = std::move(sql);
    return Run(request);
  }
  Error Fail(const QueryRequest& request) {
    CollectingSink sink;
    const Status status = Open()->Query(request, sink);
    EXPECT_FALSE(status.ok()) << request.sql;
    return status.ok() ? Error{} : status.error();
  }
  Error Fail(std::string sql) {
    QueryRequest request;
    request.sql = std::move(sql);
    return Fail(request);
  }

  testing::TempDir dir_;
  std::string path_;
};

TEST_F(SqliteSessionTest, ServerVersion) {
  CreateDatabase("CREATE TABLE t(a)");
  Result<std::string> version = Open()->ServerVersion();
  ASSERT_TRUE(version.ok());
  EXPECT_EQ(*version, "SQLite " + std::string(sqlite3_libversion()));
}

TEST_F(SqliteSessionTest, DeclaredTypesAndCanonicalForms) {
  CreateDatabase(R"sql(
    CREATE TABLE t(i INTEGER, bi BIGINT, r REAL, d DOUBLE PRECISION, n NUMERIC(10,2), dec DECIMAL,
                   b BOOLEAN, dt DATE, tm TIME, ts DATETIME, tz TIMESTAMP, bl BLOB,
                   v VARCHAR(10), tx TEXT, other MONEY);
    INSERT INTO t VALUES(-42, 9223372036854775807, 0.1, 1e300, 12.5, 3, 1, '2024-02-29',
                         '07:08:09.5', '2024-01-02 03:04:05', '2024-01-02 03:04:05.123',
                         x'00ff10', 'a;b', 'multi
line "q"', 'x');
    INSERT INTO t VALUES(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                         NULL, NULL, NULL);
  )sql");
  const CollectingSink sink = Run("SELECT * FROM t");
  EXPECT_THAT(sink.types(),
              ElementsAre(ColumnType::kInteger, ColumnType::kInteger, ColumnType::kNumber,
                          ColumnType::kNumber, ColumnType::kNumber, ColumnType::kNumber,
                          ColumnType::kBoolean, ColumnType::kDate, ColumnType::kTime,
                          ColumnType::kTimestamp, ColumnType::kTimestamp, ColumnType::kBytes,
                          ColumnType::kText, ColumnType::kText, ColumnType::kText));
  EXPECT_EQ(sink.columns_[0].name, "i");
  EXPECT_EQ(sink.columns_[3].source_type, "DOUBLE PRECISION");
  ASSERT_EQ(sink.rows_.size(), 2U);
  EXPECT_THAT(sink.rows_[0],
              ElementsAre("-42", "9223372036854775807", "0.1", "1e+300", "12.5", "3", "true",
                          "2024-02-29", "07:08:09.5", "2024-01-02 03:04:05",
                          "2024-01-02 03:04:05.123", "00ff10", "a;b", "multi\nline \"q\"", "x"));
  for (const auto& cell : sink.rows_[1]) EXPECT_EQ(cell, std::nullopt);
}

TEST_F(SqliteSessionTest, ExpressionColumnsAreTypedByTheirFirstRow) {
  CreateDatabase("CREATE TABLE t(a)");
  const CollectingSink sink =
      Run("SELECT 1 AS i, 2.5 AS r, 'x' AS s, x'01' AS b, NULL AS n, count(*) AS c FROM t");
  EXPECT_THAT(sink.types(),
              ElementsAre(ColumnType::kInteger, ColumnType::kNumber, ColumnType::kText,
                          ColumnType::kBytes, ColumnType::kText, ColumnType::kInteger));
  EXPECT_EQ(sink.columns_[1].source_type, "real");
  EXPECT_THAT(sink.rows_.at(0), ElementsAre("1", "2.5", "x", "01", std::nullopt, "0"));
  EXPECT_EQ(Run("SELECT 9e999 AS inf, -9e999 AS minus").rows_.at(0),
            (RowValues{"Infinity", "-Infinity"}));
  // An untyped column is typed the same way.
  CreateDatabase("INSERT INTO t VALUES(7)");
  EXPECT_THAT(Run("SELECT a FROM t").types(), ElementsAre(ColumnType::kInteger));
}

TEST_F(SqliteSessionTest, EmptyResultStillHasColumns) {
  CreateDatabase("CREATE TABLE t(a INTEGER, b)");
  const CollectingSink sink = Run("SELECT a, b, a + 1 AS c FROM t");
  EXPECT_THAT(sink.types(),
              ElementsAre(ColumnType::kInteger, ColumnType::kText, ColumnType::kText));
  EXPECT_TRUE(sink.rows_.empty());
}

TEST_F(SqliteSessionTest, ValuesThatFitTheirColumnAreNormalized) {
  CreateDatabase(R"sql(
    CREATE TABLE t(i INTEGER, r REAL, b BOOLEAN, tm TIME, ts DATETIME, tx TEXT, bl BLOB);
    INSERT INTO t VALUES('12', '3', 'TRUE', '10:30', '2024-01-02T03:04', 1.5, 'ab');
    INSERT INTO t VALUES(3.0, 7, 'false', '10:30:00', '2024-01-02', x'41', 12);
    INSERT INTO t VALUES(-5, 'NaN', 0, '23:59:59.999', '2024-01-02 03:04:05.5', 9e999, NULL);
  )sql");
  const CollectingSink sink = Run("SELECT * FROM t");
  ASSERT_EQ(sink.rows_.size(), 3U);
  EXPECT_THAT(sink.rows_[0],
              ElementsAre("12", "3", "true", "10:30:00", "2024-01-02 03:04:00", "1.5", "6162"));
  EXPECT_THAT(sink.rows_[1],
              ElementsAre("3", "7", "false", "10:30:00", "2024-01-02 00:00:00", "A", "3132"));
  // TEXT affinity stored 9e999 as the text "Inf": delivered as is.
  EXPECT_THAT(sink.rows_[2], ElementsAre("-5", "NaN", "false", "23:59:59.999",
                                         "2024-01-02 03:04:05.5", "Inf", std::nullopt));
}

TEST_F(SqliteSessionTest, TimestampsWithAZoneBecomeWallTimeOfTheSessionZone) {
  CreateDatabase(R"sql(
    CREATE TABLE t(ts TIMESTAMP);
    INSERT INTO t VALUES('2024-01-02T03:04:05Z'), ('2024-07-01 12:00:00.25+02:00'),
                        ('2024-01-02 00:30-0130');
  )sql");
  QueryRequest request;
  request.sql = "SELECT ts FROM t";
  const CollectingSink utc = Run(request);
  ASSERT_EQ(utc.rows_.size(), 3U);
  EXPECT_EQ(utc.rows_[0][0], "2024-01-02 03:04:05");
  EXPECT_EQ(utc.rows_[1][0], "2024-07-01 10:00:00.25");
  EXPECT_EQ(utc.rows_[2][0], "2024-01-02 02:00:00");
  request.time_zone = "America/Sao_Paulo";
  const CollectingSink sao_paulo = Run(request);
  EXPECT_EQ(sao_paulo.rows_[0][0], "2024-01-02 00:04:05");
  EXPECT_EQ(sao_paulo.rows_[1][0], "2024-07-01 07:00:00.25");
}

TEST_F(SqliteSessionTest, ValueThatDoesNotFitItsDeclaredTypeFailsTheQuery) {
  CreateDatabase(R"sql(
    CREATE TABLE t(id INTEGER, d DATE);
    INSERT INTO t VALUES(1, '2024-01-02'), ('abc', '2024-01-03');
  )sql");
  Error error = Fail("SELECT id FROM t");
  EXPECT_EQ(error.code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(error.message, HasSubstr("column \"id\" (declared INTEGER) holds 'abc' (text) in "
                                       "row 2, which is not a valid integer"));
  EXPECT_THAT(error.message, HasSubstr("CAST"));
  // Casting in the query is the way out.
  EXPECT_EQ(Run("SELECT CAST(id AS TEXT) AS id FROM t").rows_.size(), 2U);

  CreateDatabase("INSERT INTO t VALUES(3, '02/01/2024')");
  EXPECT_THAT(Fail("SELECT d FROM t").message, HasSubstr("which is not a valid date"));
  EXPECT_THAT(Fail("SELECT id + 0.5 AS x FROM t WHERE id != 'abc' UNION ALL SELECT 'y'").message,
              HasSubstr("(typed by its first row)"));
}

TEST_F(SqliteSessionTest, BindsEveryType) {
  CreateDatabase("CREATE TABLE t(a)");
  QueryRequest request;
  request.sql =
      "SELECT typeof(:i), :i, typeof(:n), :n, :b, :t, typeof(:bytes), hex(:bytes), :null IS NULL, "
      ":d, :i + 1 AS again";
  request.binds = {
      {"i", ColumnType::kInteger, "-9000000000"}, {"n", ColumnType::kNumber, "2.5"},
      {"b", ColumnType::kBoolean, "true"},        {"t", ColumnType::kText, "it's; \"q\"\nção"},
      {"bytes", ColumnType::kBytes, "00ff"},      {"null", ColumnType::kText, "", true},
      {"d", ColumnType::kDate, "2024-01-02"},     {"unused", ColumnType::kText, "ignored"}};
  const CollectingSink sink = Run(request);
  EXPECT_THAT(sink.rows_.at(0),
              ElementsAre("integer", "-9000000000", "real", "2.5", "1", "it's; \"q\"\nção", "blob",
                          "00FF", "1", "2024-01-02", "-8999999999"));
}

TEST_F(SqliteSessionTest, ParameterWithoutValueOrBadValueIsValidation) {
  CreateDatabase("CREATE TABLE t(a)");
  QueryRequest request;
  request.sql = "SELECT :given, :missing";
  request.binds = {{"given", ColumnType::kText, "x"}};
  Error error = Fail(request);
  EXPECT_EQ(error.code, ErrorCode::kValidation);
  EXPECT_EQ(error.details["field"], "missing");
  EXPECT_THAT(error.message, HasSubstr(":missing"));

  request.sql = "SELECT :given";
  request.binds = {{"given", ColumnType::kInteger, "12x"}};
  error = Fail(request);
  EXPECT_EQ(error.code, ErrorCode::kValidation);
  EXPECT_EQ(error.details["field"], "given");

  request.sql = "SELECT ?";
  EXPECT_EQ(Fail(request).code, ErrorCode::kValidation);
}

TEST_F(SqliteSessionTest, ReadOnlyRefusesWrites) {
  CreateDatabase("CREATE TABLE t(a INTEGER)");
  auto session = Open();
  QueryRequest request;
  request.sql = "INSERT INTO t VALUES(1)";
  CollectingSink sink;
  Status status = session->Query(request, sink);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(status.error().message, HasSubstr("readonly"));

  request.sql = "VACUUM INTO '" + (dir_.path() / "copy.db").string() + "'";
  EXPECT_FALSE(session->Query(request, sink).ok());
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "copy.db"));

  request.read_only = false;
  request.sql = "INSERT INTO t VALUES(1)";
  status = session->Query(request, sink);
  EXPECT_TRUE(status.ok()) << status.error().message;

  request.read_only = true;
  request.sql = "SELECT count(*) FROM t";
  CollectingSink counted;
  ASSERT_TRUE(session->Query(request, counted).ok());
  EXPECT_THAT(counted.rows_.at(0), ElementsAre("1"));
  request.sql = "DELETE FROM t";
  EXPECT_EQ(session->Query(request, sink).error().code, ErrorCode::kInvalidArgument);
}

TEST_F(SqliteSessionTest, AttachAndVacuumIntoAreRefusedEvenWhenWriting) {
  CreateDatabase("CREATE TABLE t(a)");
  QueryRequest request;
  request.read_only = false;
  request.sql = "ATTACH '" + (dir_.path() / "other.db").string() + "' AS other";
  const Error error = Fail(request);
  EXPECT_EQ(error.code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(error.message, HasSubstr("ATTACH"));
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "other.db"));

  request.sql = "VACUUM INTO '" + (dir_.path() / "copy.db").string() + "'";
  EXPECT_THAT(Fail(request).message, HasSubstr("VACUUM INTO"));
  EXPECT_FALSE(std::filesystem::exists(dir_.path() / "copy.db"));
}

TEST_F(SqliteSessionTest, OnlyOneStatement) {
  CreateDatabase("CREATE TABLE t(a)");
  EXPECT_THAT(Fail("SELECT 1; SELECT 2").message, HasSubstr("single statement"));
  EXPECT_EQ(Run("SELECT 1; -- trailing comment\n ;").rows_.size(), 1U);
  EXPECT_EQ(Fail("  -- nothing").code, ErrorCode::kInvalidArgument);
  const Error syntax = Fail("SELEC 1");
  EXPECT_EQ(syntax.code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(syntax.message, HasSubstr("syntax error"));
}

constexpr const char* kEndless =
    "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c";

TEST_F(SqliteSessionTest, StatementTimeout) {
  CreateDatabase("CREATE TABLE t(a)");
  QueryRequest request;
  request.sql = kEndless;
  request.statement_timeout = std::chrono::milliseconds(100);
  const auto started = std::chrono::steady_clock::now();
  const Error error = Fail(request);
  EXPECT_EQ(error.code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(error.message, HasSubstr("statement timeout"));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
}

TEST_F(SqliteSessionTest, CancelFromAnotherThreadStopsARunningStatement) {
  CreateDatabase("CREATE TABLE t(a)");
  auto session = Open();
  std::atomic<bool> done{false};
  // Cancel is a no-op while nothing runs, so calling it until the query returns is safe.
  std::thread canceller([&] {
    while (!done.load()) {
      session->Cancel();
      std::this_thread::yield();
    }
  });
  QueryRequest request;
  request.sql = kEndless;
  CollectingSink sink;
  const Status status = session->Query(request, sink);
  done.store(true);
  canceller.join();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(status.error().message, "query cancelled");

  // The session stays usable, and a Cancel with nothing running changes nothing.
  session->Cancel();
  request.sql = "SELECT 1";
  CollectingSink after;
  ASSERT_TRUE(session->Query(request, after).ok());
  EXPECT_EQ(after.rows_.size(), 1U);
}

// Cancels once the first row arrived, from another thread, and waits for the Cancel to return.
class CancellingSink : public CollectingSink {
 public:
  explicit CancellingSink(SqlSession& session) : session_(session) {}
  Status Row(std::span<const rows::Cell> cells) override {
    if (rows_.empty()) std::thread([this] { session_.Cancel(); }).join();
    return CollectingSink::Row(cells);
  }

 private:
  SqlSession& session_;
};

TEST_F(SqliteSessionTest, CancelWhileRowsAreDelivered) {
  CreateDatabase("CREATE TABLE t(a)");
  auto session = Open();
  QueryRequest request;
  request.sql = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT x FROM c";
  CancellingSink sink(*session);
  const Status status = session->Query(request, sink);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message, "query cancelled");
  EXPECT_LT(sink.rows_.size(), 100000U);
}

TEST_F(SqliteSessionTest, MissingOrInvalidFileIsUnavailable) {
  SqlEndpoint endpoint;
  endpoint.sqlite_path = (dir_.path() / "missing.db").string();
  Result<std::unique_ptr<SqlSession>> session = OpenSqliteSession(endpoint, {});
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(session.error().message, HasSubstr("missing.db"));
  EXPECT_FALSE(std::filesystem::exists(endpoint.sqlite_path));

  endpoint.sqlite_path = (dir_.path() / "not-a-db.txt").string();
  std::ofstream(endpoint.sqlite_path) << "this is not a database, but it is long enough to have "
                                         "a header of one hundred bytes or so, which SQLite reads "
                                         "when it opens a file for the first time.";
  session = OpenSqliteSession(endpoint, {});
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.error().code, ErrorCode::kUnavailable);
}

TEST_F(SqliteSessionTest, UnknownTimeZoneIsValidation) {
  CreateDatabase("CREATE TABLE t(a)");
  QueryRequest request;
  request.sql = "SELECT 1";
  request.time_zone = "Mars/Olympus";
  const Error error = Fail(request);
  EXPECT_EQ(error.code, ErrorCode::kValidation);
  EXPECT_EQ(error.details["field"], "time_zone");
}

TEST_F(SqliteSessionTest, SinkErrorIsReturnedUnchanged) {
  class FailingSink : public CollectingSink {
   public:
    Status Row(std::span<const rows::Cell>) override { return Error::Conflict("disk full"); }
  };
  CreateDatabase("CREATE TABLE t(a); INSERT INTO t VALUES(1), (2);");
  QueryRequest request;
  request.sql = "SELECT a FROM t";
  FailingSink sink;
  const Status status = Open()->Query(request, sink);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kConflict);
  EXPECT_EQ(status.error().message, "disk full");
}

TEST_F(SqliteSessionTest, StreamsManyRowsWithProgress) {
  CreateDatabase(R"sql(
    CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, amount REAL);
    WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000)
    INSERT INTO t SELECT x, 'name ' || x, x / 4.0 FROM c;
  )sql");
  class CountingSink : public rows::RowSink {
   public:
    Status Begin(std::span<const rows::Column> columns) override {
      EXPECT_EQ(columns.size(), 3U);
      return Ok();
    }
    Status Row(std::span<const rows::Cell> cells) override {
      ++rows;
      if (cells[0].text != std::to_string(rows)) return Error::Internal("out of order");
      last_amount = std::string(cells[2].text);
      return Ok();
    }
    std::uint64_t rows = 0;
    std::string last_amount;
  };
  QueryRequest request;
  request.sql = "SELECT id, name, amount FROM t ORDER BY id";
  std::vector<std::uint64_t> progress;
  request.on_progress = [&](std::uint64_t rows) { progress.push_back(rows); };
  request.progress_every = 25000;
  CountingSink sink;
  const Status status = Open()->Query(request, sink);
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(sink.rows, 100000U);
  EXPECT_EQ(sink.last_amount, "25000");
  EXPECT_THAT(progress, ElementsAre(25000, 50000, 75000, 100000, 100000));
}

}  // namespace
}  // namespace batuta::sources
