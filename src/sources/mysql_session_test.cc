#include "sources/mysql_session.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <optional>
#include <thread>

#include "mariadb_server.h"
#include "temp_dir.h"

namespace batuta::sources {
namespace {

using rows::ColumnType;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::MariadbServer;
using ::testing::Not;

using RowValues = std::vector<std::optional<std::string>>;

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

// Counts rows and checks they arrive in order (first column 1, 2, 3...).
class CountingSink : public rows::RowSink {
 public:
  Status Begin(std::span<const rows::Column>) override { return Ok(); }
  Status Row(std::span<const rows::Cell> cells) override {
    ++rows;
    if (cells[0].text != std::to_string(rows)) return Error::Internal("out of order");
    return Ok();
  }
  std::uint64_t rows = 0;
};

class MysqlSessionTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    MariadbServer& server = MariadbServer::Shared();
    server.Execute(R"sql(
      SET time_zone = '+00:00';
      SET sql_mode = '';
      CREATE OR REPLACE TABLE types(
        id INT PRIMARY KEY, ti TINYINT, b BOOL, si SMALLINT, mi MEDIUMINT, bi BIGINT,
        ubi BIGINT UNSIGNED, yr YEAR, de DECIMAL(12,3), f FLOAT, d DOUBLE, dt DATE, tm TIME,
        tm3 TIME(3), dtm DATETIME, dtm6 DATETIME(6), ts TIMESTAMP NULL, bit1 BIT(1),
        bit12 BIT(12), ch CHAR(5), vc VARCHAR(100), tx TEXT, bin VARBINARY(10), bl BLOB,
        en ENUM('a','b'), js JSON);
      INSERT INTO types VALUES(1, -128, TRUE, -32768, 8388607, -9223372036854775808,
        18446744073709551615, 2024, -12345.678, 0.1, 1e300, '2024-02-29', '-838:59:59',
        '12:34:56.789', '2024-01-02 03:04:05', '2024-01-02 03:04:05.123456',
        '2024-01-02 03:04:05', b'1', b'101010101010', 'abc', 'a;b,"c"\n''d', 'ção 🎉',
        x'00ff', x'deadbeef', 'b', '{"k": [1, 2]}');
      INSERT INTO types(id) VALUES(2);
      INSERT INTO types(id, b, dt, dtm, bit1) VALUES(3, 0, '0000-00-00', '0000-00-00 00:00:00', 0);
      CREATE OR REPLACE TABLE items(id INT PRIMARY KEY, name VARCHAR(50));
    )sql");
  }

  static SqlEndpoint Endpoint() {
    const MariadbServer& server = MariadbServer::Shared();
    SqlEndpoint endpoint;
    endpoint.kind = SqlKind::kMysql;
    endpoint.socket = server.socket_path();
    endpoint.database = server.database();
    endpoint.user = server.user();
    endpoint.password = server.password();
    return endpoint;
  }

  static std::unique_ptr<SqlSession> Open() {
    Result<std::unique_ptr<SqlSession>> session =
        OpenMysqlSession(Endpoint(), std::chrono::seconds(5));
    EXPECT_TRUE(session.ok()) << session.error().message;
    return session.ok() ? std::move(session).value() : nullptr;
  }

  static CollectingSink Run(SqlSession& session, const QueryRequest& request) {
    CollectingSink sink;
    const Status status = session.Query(request, sink);
    EXPECT_TRUE(status.ok()) << request.sql << ": " << status.error().message;
    return sink;
  }
  static CollectingSink Run(const QueryRequest& request) { return Run(*Open(), request); }
  static CollectingSink Run(std::string sql) {
    QueryRequest request;
    request.sql = std::move(sql);
    return Run(request);
  }
  // The same statement through the text protocol: SQL's own PREPARE and EXECUTE cannot be
  // prepared, so the session runs them as text. `sql` has no double quotes.
  static CollectingSink RunText(const std::string& sql) {
    auto session = Open();
    QueryRequest request;
    request.sql = "PREPARE text_protocol FROM \"" + sql + "\"";
    Run(*session, request);
    request.sql = "EXECUTE text_protocol";
    return Run(*session, request);
  }
  // Runs `request` (a SLEEP(30)) and, once another session sees it running on the server,
  // cancels it from another thread.
  static void ExpectCancelStopsSleep(const QueryRequest& request) {
    auto session = Open();
    auto observer = Open();
    std::optional<std::chrono::steady_clock::time_point> cancelled_at;
    std::thread canceller([&] {
      QueryRequest look;
      look.sql =
          "SELECT count(*) FROM information_schema.processlist WHERE info LIKE 'SELECT SLEEP(%'";
      // The statement runs on an external server: poll for it, bounded.
      for (int attempt = 0; attempt < 2000; ++attempt) {
        CollectingSink seen;
        if (observer->Query(look, seen).ok() && seen.rows_.at(0)[0] == "1") {
          cancelled_at = std::chrono::steady_clock::now();
          session->Cancel();
          return;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
    });
    CollectingSink sink;
    const Status status = session->Query(request, sink);
    const auto finished = std::chrono::steady_clock::now();
    canceller.join();
    ASSERT_TRUE(cancelled_at.has_value()) << "the statement never showed up in the processlist";
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, ErrorCode::kUnavailable);
    EXPECT_EQ(status.error().message, "query cancelled");
    EXPECT_LT(finished - *cancelled_at, std::chrono::seconds(5));
    // The session stays usable, and Cancel with nothing running is a no-op.
    session->Cancel();
    QueryRequest next;
    next.sql = "SELECT 7";
    CollectingSink after;
    const Status again = session->Query(next, after);
    ASSERT_TRUE(again.ok()) << again.error().message;
    EXPECT_EQ(after.rows_.at(0), RowValues({"7"}));
  }

  static Error Fail(SqlSession& session, const QueryRequest& request) {
    CollectingSink sink;
    const Status status = session.Query(request, sink);
    EXPECT_FALSE(status.ok()) << request.sql;
    return status.ok() ? Error{} : status.error();
  }
  static Error Fail(const QueryRequest& request) { return Fail(*Open(), request); }
  static Error Fail(std::string sql) {
    QueryRequest request;
    request.sql = std::move(sql);
    return Fail(request);
  }
};

TEST_F(MysqlSessionTest, ServerVersion) {
  Result<std::string> version = Open()->ServerVersion();
  ASSERT_TRUE(version.ok());
  EXPECT_THAT(*version, ::testing::MatchesRegex("MariaDB [0-9]+\\.[0-9]+\\.[0-9]+"));
}

const RowValues kFirstRow = {"1",
                             "-128",
                             "true",
                             "-32768",
                             "8388607",
                             "-9223372036854775808",
                             "18446744073709551615",
                             "2024",
                             "-12345.678",
                             "0.1",
                             "1e+300",
                             "2024-02-29",
                             "-838:59:59",
                             "12:34:56.789",
                             "2024-01-02 03:04:05",
                             "2024-01-02 03:04:05.123456",
                             "2024-01-02 03:04:05",
                             "true",
                             "2730",
                             "abc",
                             "a;b,\"c\"\n'd",
                             "ção 🎉",
                             "00ff",
                             "deadbeef",
                             "b",
                             "{\"k\": [1, 2]}"};

TEST_F(MysqlSessionTest, TypesAndCanonicalFormsInBothProtocols) {
  const CollectingSink prepared = Run("SELECT * FROM types ORDER BY id");
  const CollectingSink text = RunText("SELECT * FROM types ORDER BY id");
  for (const CollectingSink* sink : {&text, &prepared}) {
    EXPECT_THAT(
        sink->types(),
        ElementsAre(ColumnType::kInteger, ColumnType::kInteger, ColumnType::kBoolean,
                    ColumnType::kInteger, ColumnType::kInteger, ColumnType::kInteger,
                    ColumnType::kInteger, ColumnType::kInteger, ColumnType::kNumber,
                    ColumnType::kNumber, ColumnType::kNumber, ColumnType::kDate, ColumnType::kTime,
                    ColumnType::kTime, ColumnType::kTimestamp, ColumnType::kTimestamp,
                    ColumnType::kTimestamp, ColumnType::kBoolean, ColumnType::kInteger,
                    ColumnType::kText, ColumnType::kText, ColumnType::kText, ColumnType::kBytes,
                    ColumnType::kBytes, ColumnType::kText, ColumnType::kText));
    ASSERT_EQ(sink->rows_.size(), 3U);
    EXPECT_EQ(sink->rows_[0], kFirstRow);
    // NULLs, and zero dates delivered as NULL.
    for (std::size_t i = 1; i < sink->rows_[1].size(); ++i) {
      EXPECT_EQ(sink->rows_[1][i], std::nullopt) << i;
    }
    EXPECT_EQ(sink->rows_[2][2], "false");
    EXPECT_EQ(sink->rows_[2][11], std::nullopt);
    EXPECT_EQ(sink->rows_[2][14], std::nullopt);
    EXPECT_EQ(sink->rows_[2][17], "false");
  }
  EXPECT_EQ(text.columns_[8].source_type, "DECIMAL");
  EXPECT_EQ(text.columns_[6].source_type, "BIGINT UNSIGNED");
  EXPECT_EQ(text.columns_[2].name, "b");
}

TEST_F(MysqlSessionTest, ExpressionColumns) {
  const char* sql =
      "SELECT 1 AS i, 2.50 AS n, 'x' AS s, NULL AS z, CAST('2024-01-02' AS DATE) AS d, "
      "TIMESTAMP'2024-01-02 03:04:05.5' AS t, X'0a' AS b, 1e3 AS e, TRUE AS yes";
  const CollectingSink prepared = Run(sql);
  const CollectingSink text = RunText(sql);
  EXPECT_EQ(prepared.rows_.at(0), RowValues({"1", "2.50", "x", std::nullopt, "2024-01-02",
                                             "2024-01-02 03:04:05.5", "0a", "1000", "1"}));
  EXPECT_EQ(text.rows_.at(0), prepared.rows_.at(0));
  EXPECT_EQ(text.types(), prepared.types());
  EXPECT_THAT(text.types(),
              ElementsAre(ColumnType::kInteger, ColumnType::kNumber, ColumnType::kText,
                          ColumnType::kText, ColumnType::kDate, ColumnType::kTimestamp,
                          ColumnType::kBytes, ColumnType::kNumber, ColumnType::kInteger));
}

TEST_F(MysqlSessionTest, LongValuesThroughThePreparedPath) {
  const CollectingSink sink = Run(
      "SELECT REPEAT('ab', 50000) AS t, REPEAT(X'ff', 3000) AS b, 'short' AS s FROM seq_1_to_3");
  ASSERT_EQ(sink.rows_.size(), 3U);
  for (const RowValues& row : sink.rows_) {
    EXPECT_EQ(row[0]->size(), 100000U);
    EXPECT_EQ(row[0]->substr(0, 6), "ababab");
    EXPECT_EQ(*row[1], std::string(6000, 'f'));
    EXPECT_EQ(row[2], "short");
  }
}

TEST_F(MysqlSessionTest, BindsEveryType) {
  QueryRequest request;
  request.sql =
      "SELECT count(*) FROM types WHERE id = :id AND b = :b AND bi = :bi AND ubi = :ubi AND "
      "de = :de AND d = :d AND dt = :dt AND dtm = :dtm AND tm3 = :tm AND vc = :vc AND "
      "bin = :bin AND :null IS NULL AND id = :id";
  request.binds = {{"id", ColumnType::kInteger, "1"},
                   {"b", ColumnType::kBoolean, "true"},
                   {"bi", ColumnType::kInteger, "-9223372036854775808"},
                   {"ubi", ColumnType::kInteger, "18446744073709551615"},
                   {"de", ColumnType::kNumber, "-12345.678"},
                   {"d", ColumnType::kNumber, "1e300"},
                   {"dt", ColumnType::kDate, "2024-02-29"},
                   {"dtm", ColumnType::kTimestamp, "2024-01-02 03:04:05"},
                   {"tm", ColumnType::kTime, "12:34:56.789"},
                   {"vc", ColumnType::kText, "a;b,\"c\"\n'd"},
                   {"bin", ColumnType::kBytes, "00FF"},
                   {"null", ColumnType::kText, "", true},
                   {"unused", ColumnType::kText, "ignored"}};
  EXPECT_EQ(Run(request).rows_.at(0), RowValues({"1"}));

  // Values come back as bound; an integer works where only an integer may stand (LIMIT).
  request.sql = "SELECT :t AS t, :i + 1 AS i, :n AS n, :b AS b FROM seq_1_to_10 LIMIT :limit";
  request.binds = {{"t", ColumnType::kText, "it's 'quoted'; DROP TABLE types; -- ção"},
                   {"i", ColumnType::kInteger, "41"},
                   {"n", ColumnType::kNumber, "0.125"},
                   {"b", ColumnType::kBoolean, "false"},
                   {"limit", ColumnType::kInteger, "2"}};
  const CollectingSink sink = Run(request);
  ASSERT_EQ(sink.rows_.size(), 2U);
  EXPECT_EQ(sink.rows_[0],
            RowValues({"it's 'quoted'; DROP TABLE types; -- ção", "42", "0.125", "0"}));
}

TEST_F(MysqlSessionTest, ParameterProblemsAreValidation) {
  QueryRequest request;
  request.sql = "SELECT :given, :missing";
  request.binds = {{"given", ColumnType::kText, "x"}};
  Error error = Fail(request);
  EXPECT_EQ(error.code, ErrorCode::kValidation);
  EXPECT_EQ(error.details["field"], "missing");

  request.sql = "SELECT :given, ?";
  error = Fail(request);
  EXPECT_EQ(error.code, ErrorCode::kValidation);
  EXPECT_EQ(error.details["field"], "query");

  request.sql = "SELECT :given";
  request.binds = {{"given", ColumnType::kBytes, "abc"}};
  EXPECT_EQ(Fail(request).details["field"], "given");

  request.sql = "SELECT 'unterminated";
  EXPECT_EQ(Fail(request).details["field"], "query");
}

TEST_F(MysqlSessionTest, BadSqlIsInvalidArgumentWithTheServerMessage) {
  auto session = Open();
  QueryRequest request;
  request.sql = "SELEC 1";
  Error error = Fail(*session, request);
  EXPECT_EQ(error.code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(error.message, HasSubstr("error 1064"));
  EXPECT_THAT(error.message, HasSubstr("SQL syntax"));
  request.sql = "SELECT * FROM missing_table WHERE id = :id";
  request.binds = {{"id", ColumnType::kInteger, "1"}};
  error = Fail(*session, request);
  EXPECT_EQ(error.code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(error.message, HasSubstr("error 1146"));
  request.sql = "SELECT 1; SELECT 2";
  EXPECT_EQ(Fail(*session, request).code, ErrorCode::kInvalidArgument);
  // The session is still usable.
  request.sql = "SELECT 5";
  EXPECT_EQ(Run(*session, request).rows_.at(0), RowValues({"5"}));
}

TEST_F(MysqlSessionTest, ReadOnlyRefusesWrites) {
  auto session = Open();
  QueryRequest request;
  request.sql = "INSERT INTO items VALUES(1, 'one')";
  Error error = Fail(*session, request);
  EXPECT_EQ(error.code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(error.message, HasSubstr("READ ONLY"));
  request.sql = "INSERT INTO items VALUES(:id, 'one')";
  request.binds = {{"id", ColumnType::kInteger, "1"}};
  EXPECT_EQ(Fail(*session, request).code, ErrorCode::kInvalidArgument);

  request.read_only = false;
  CollectingSink sink;
  ASSERT_TRUE(session->Query(request, sink).ok());
  EXPECT_TRUE(sink.columns_.empty());
  request.read_only = true;
  request.sql = "SELECT name FROM items WHERE id = :id";
  EXPECT_EQ(Run(*session, request).rows_, std::vector<RowValues>({{"one"}}));
}

TEST_F(MysqlSessionTest, StatementTimeout) {
  auto session = Open();
  QueryRequest request;
  request.sql = "SELECT SLEEP(5)";
  request.statement_timeout = std::chrono::milliseconds(200);
  const auto started = std::chrono::steady_clock::now();
  Error error = Fail(*session, request);
  EXPECT_EQ(error.code, ErrorCode::kInvalidArgument);
  EXPECT_THAT(error.message, HasSubstr("statement timeout"));
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(4));
  // The timeout applies per query: without one the next statement runs to its end.
  request.statement_timeout = std::chrono::milliseconds(0);
  request.sql = "SELECT SLEEP(0.3) AS s";
  EXPECT_EQ(Run(*session, request).rows_.at(0), RowValues({"0"}));
}

TEST_F(MysqlSessionTest, CancelFromAnotherThreadStopsSleep) {
  QueryRequest request;
  request.sql = "SELECT SLEEP(30)";
  ExpectCancelStopsSleep(request);
  request.sql = "SELECT SLEEP(:seconds)";
  request.binds = {{"seconds", ColumnType::kInteger, "30"}};
  ExpectCancelStopsSleep(request);
}

TEST_F(MysqlSessionTest, WrongPasswordIsUnavailableWithoutThePassword) {
  SqlEndpoint endpoint = Endpoint();
  endpoint.password = "wrong-Pa55word";
  Result<std::unique_ptr<SqlSession>> session = OpenMysqlSession(endpoint, std::chrono::seconds(5));
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(session.error().message, HasSubstr("Access denied for user 'batuta'"));
  EXPECT_THAT(session.error().message, Not(HasSubstr("wrong-Pa55word")));
}

TEST_F(MysqlSessionTest, DeadServerIsUnavailable) {
  const testing::TempDir dir;
  SqlEndpoint endpoint = Endpoint();
  endpoint.socket = (dir.path() / "nobody.sock").string();
  Result<std::unique_ptr<SqlSession>> session = OpenMysqlSession(endpoint, std::chrono::seconds(2));
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(session.error().message, HasSubstr("nobody.sock"));

  endpoint = Endpoint();
  endpoint.host = "127.0.0.1";
  endpoint.socket.clear();
  endpoint.port = 1;  // nothing listens there
  session = OpenMysqlSession(endpoint, std::chrono::seconds(2));
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.error().code, ErrorCode::kUnavailable);
}

TEST_F(MysqlSessionTest, UnknownSslModeIsValidation) {
  SqlEndpoint endpoint = Endpoint();
  endpoint.options["ssl_mode"] = "sometimes";
  Result<std::unique_ptr<SqlSession>> session = OpenMysqlSession(endpoint, {});
  ASSERT_FALSE(session.ok());
  EXPECT_EQ(session.error().code, ErrorCode::kValidation);
  EXPECT_EQ(session.error().details["field"], "ssl_mode");
  endpoint.options["ssl_mode"] = "DISABLED";
  EXPECT_TRUE(OpenMysqlSession(endpoint, {}).ok());
}

TEST_F(MysqlSessionTest, RequiredTlsIsSatisfiedByAUnixSocket) {
  // Like MySQL's own client, Connector/C counts a local socket as a secure transport; over TCP
  // a server without TLS refuses the connection (error 2026, kUnavailable).
  SqlEndpoint endpoint = Endpoint();
  endpoint.options["ssl_mode"] = "required";
  Result<std::unique_ptr<SqlSession>> session = OpenMysqlSession(endpoint, {});
  ASSERT_TRUE(session.ok()) << session.error().message;
}

TEST_F(MysqlSessionTest, ReconnectsWhenTheServerClosedAnIdleConnection) {
  auto session = Open();
  QueryRequest request;
  request.sql = "SELECT CONNECTION_ID()";
  const std::string id = *Run(*session, request).rows_.at(0).at(0);
  MariadbServer::Shared().Execute("KILL CONNECTION " + id);
  const CollectingSink again = Run(*session, request);
  ASSERT_EQ(again.rows_.size(), 1U);
  EXPECT_NE(again.rows_[0][0], id);
}

TEST_F(MysqlSessionTest, TimeZoneFallsBackToTheCurrentOffset) {
  // This server has no time zone tables (Asia/Tokyo has no DST: +09:00 all year).
  auto session = Open();
  QueryRequest request;
  request.sql = "SELECT @@session.time_zone, ts FROM types WHERE id = 1";
  request.time_zone = "Asia/Tokyo";
  EXPECT_EQ(Run(*session, request).rows_.at(0), RowValues({"+09:00", "2024-01-02 12:04:05"}));
  request.time_zone = "UTC";
  EXPECT_EQ(Run(*session, request).rows_.at(0), RowValues({"+00:00", "2024-01-02 03:04:05"}));
  request.time_zone = "Nowhere/Special";
  EXPECT_EQ(Fail(*session, request).details["field"], "time_zone");
}

TEST_F(MysqlSessionTest, TimeZoneByNameWhenTheServerKnowsIt) {
  MariadbServer::Shared().LoadTimeZone("America/Sao_Paulo");
  QueryRequest request;
  request.sql = "SELECT @@session.time_zone, ts FROM types WHERE id = 1";
  request.time_zone = "America/Sao_Paulo";
  EXPECT_EQ(Run(request).rows_.at(0), RowValues({"America/Sao_Paulo", "2024-01-02 00:04:05"}));
}

// The statement of `sql`, through the prepared-statement protocol or, with `text`, through the
// text protocol (SQL's PREPARE and EXECUTE, which the server does not prepare).
QueryRequest ThroughProtocol(SqlSession& session, const std::string& sql, bool text) {
  QueryRequest request;
  request.sql = sql;
  if (text) {
    request.sql = "PREPARE through_text FROM \"" + sql + "\"";
    CollectingSink ignored;
    EXPECT_TRUE(session.Query(request, ignored).ok());
    request.sql = "EXECUTE through_text";
  }
  return request;
}

TEST_F(MysqlSessionTest, SinkErrorIsReturnedUnchangedAndTheSessionRecovers) {
  class FailingSink : public CollectingSink {
   public:
    Status Row(std::span<const rows::Cell>) override { return Error::Conflict("disk full"); }
  };
  auto session = Open();
  for (const bool text : {false, true}) {
    QueryRequest request = ThroughProtocol(*session, "SELECT seq FROM seq_1_to_10000000", text);
    FailingSink sink;
    const auto started = std::chrono::steady_clock::now();
    const Status status = session->Query(request, sink);
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().code, ErrorCode::kConflict);
    EXPECT_EQ(status.error().message, "disk full");
    // The statement was stopped, not drained.
    EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));
    request.sql = "SELECT 8";
    EXPECT_EQ(Run(*session, request).rows_.at(0), RowValues({"8"}));
  }
}

TEST_F(MysqlSessionTest, StreamsManyRowsWithProgress) {
  auto session = Open();
  for (const bool text : {false, true}) {
    QueryRequest request = ThroughProtocol(
        *session, "SELECT seq, CONCAT('name ', seq), seq / 4 FROM seq_1_to_100000", text);
    std::vector<std::uint64_t> progress;
    request.on_progress = [&](std::uint64_t rows) { progress.push_back(rows); };
    request.progress_every = 50000;
    CountingSink sink;
    const Status status = session->Query(request, sink);
    ASSERT_TRUE(status.ok()) << status.error().message;
    EXPECT_EQ(sink.rows, 100000U);
    EXPECT_THAT(progress, ElementsAre(50000, 100000, 100000));
  }
}

}  // namespace
}  // namespace batuta::sources
