#include "store/sqlite/connection.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <thread>

#include "store/sqlite/connection_pool.h"
#include "store/sqlite/transaction.h"
#include "temp_dir.h"

namespace batuta::sqlite {
namespace {

constexpr std::chrono::milliseconds kTimeout{5000};

class ConnectionTest : public ::testing::Test {
 protected:
  std::unique_ptr<Connection> OpenOrFail(Connection::Role role,
                                         std::chrono::milliseconds timeout = kTimeout) {
    auto connection = Connection::Open(file_, role, timeout);
    if (!connection.ok()) {
      ADD_FAILURE() << "open failed: " << connection.error().message;
      return nullptr;
    }
    return std::move(connection).value();
  }

  // The single integer a one-row query returns, or -1 after reporting a failure.
  static std::int64_t QueryInt(Connection& connection, std::string_view sql) {
    auto statement = connection.Prepare(sql);
    if (!statement.ok()) {
      ADD_FAILURE() << statement.error().message;
      return -1;
    }
    auto row = statement->Step();
    if (!row.ok() || !*row) {
      ADD_FAILURE() << "no row from " << sql;
      return -1;
    }
    return statement->ColumnInt(0);
  }

  testing::TempDir dir_;
  std::filesystem::path file_ = dir_.path() / "test.db";
};

TEST_F(ConnectionTest, BindsValuesAsDataNeverAsSql) {
  auto db = OpenOrFail(Connection::Role::kWriter);
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->ExecuteScript("CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT NOT NULL)").ok());
  const std::string hostile = "x'); DROP TABLE t; --";
  {
    auto insert = db->Prepare("INSERT INTO t (k, v) VALUES (?1, ?2)");
    ASSERT_TRUE(insert.ok()) << insert.error().message;
    ASSERT_TRUE(insert->Bind(1, hostile).ok());
    ASSERT_TRUE(insert->Bind(2, "").ok());
    const Status run = insert->Run();
    ASSERT_TRUE(run.ok()) << run.error().message;
  }
  auto select = db->Prepare("SELECT v, v IS NULL, length(v) FROM t WHERE k = ?1");
  ASSERT_TRUE(select.ok());
  ASSERT_TRUE(select->Bind(1, hostile).ok());
  auto row = select->Step();
  ASSERT_TRUE(row.ok());
  ASSERT_TRUE(*row);
  EXPECT_EQ(select->ColumnText(0), "");  // an empty view binds '' rather than NULL
  EXPECT_EQ(select->ColumnInt(1), 0);
  EXPECT_EQ(select->ColumnInt(2), 0);
}

TEST_F(ConnectionTest, CachedStatementsAreResetAndNestedUseGetsASeparateOne) {
  auto db = OpenOrFail(Connection::Role::kWriter);
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(
      db->ExecuteScript("CREATE TABLE n (x INTEGER); INSERT INTO n VALUES (1), (2), (3);").ok());
  constexpr std::string_view kSql = "SELECT x FROM n WHERE x >= ?1 ORDER BY x";
  for (int round = 0; round < 2; ++round) {
    auto outer = db->Prepare(kSql);
    ASSERT_TRUE(outer.ok());
    ASSERT_TRUE(outer->Bind(1, std::int64_t{2}).ok());
    ASSERT_TRUE(*outer->Step());
    EXPECT_EQ(outer->ColumnInt(0), 2);
    // The same text while the cached statement is mid-way: an independent statement.
    auto inner = db->Prepare(kSql);
    ASSERT_TRUE(inner.ok());
    ASSERT_TRUE(inner->Bind(1, std::int64_t{1}).ok());
    ASSERT_TRUE(*inner->Step());
    EXPECT_EQ(inner->ColumnInt(0), 1);
    ASSERT_TRUE(*outer->Step());
    EXPECT_EQ(outer->ColumnInt(0), 3);
    // Not stepped to the end: destruction must reset it for the next round.
  }
}

TEST_F(ConnectionTest, PrepareRejectsSeveralStatements) {
  auto db = OpenOrFail(Connection::Role::kWriter);
  ASSERT_NE(db, nullptr);
  auto statement = db->Prepare("SELECT 1; SELECT 2");
  ASSERT_FALSE(statement.ok());
  EXPECT_EQ(statement.error().code, ErrorCode::kInternal);
  EXPECT_TRUE(db->Prepare("SELECT 1;  ").ok());
  auto bad = db->Prepare("SELEKT 1");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInternal);
  EXPECT_NE(bad.error().message.find("SELEKT"), std::string::npos) << bad.error().message;
}

TEST_F(ConnectionTest, ExecuteScriptStopsAtTheFirstError) {
  auto db = OpenOrFail(Connection::Role::kWriter);
  ASSERT_NE(db, nullptr);
  const Status status = db->ExecuteScript(
      "CREATE TABLE a (x INTEGER);\n-- a comment\nINSERT INTO missing VALUES (1);\n"
      "CREATE TABLE b (x INTEGER);");
  ASSERT_FALSE(status.ok());
  EXPECT_NE(status.error().message.find("missing"), std::string::npos) << status.error().message;
  EXPECT_EQ(QueryInt(*db, "SELECT count(*) FROM sqlite_master WHERE name = 'a'"), 1);
  EXPECT_EQ(QueryInt(*db, "SELECT count(*) FROM sqlite_master WHERE name = 'b'"), 0);
  EXPECT_TRUE(db->ExecuteScript("  -- only a comment\n").ok());
}

TEST_F(ConnectionTest, ConstraintViolationIsConflict) {
  auto db = OpenOrFail(Connection::Role::kWriter);
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(
      db->ExecuteScript("CREATE TABLE u (k TEXT PRIMARY KEY); INSERT INTO u VALUES ('a')").ok());
  auto insert = db->Prepare("INSERT INTO u (k) VALUES (?1)");
  ASSERT_TRUE(insert.ok());
  ASSERT_TRUE(insert->Bind(1, "a").ok());
  const Status status = insert->Run();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kConflict);
  EXPECT_NE(status.error().message.find("UNIQUE"), std::string::npos) << status.error().message;
}

TEST_F(ConnectionTest, TransactionRollsBackUnlessCommitted) {
  auto db = OpenOrFail(Connection::Role::kWriter);
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->ExecuteScript("CREATE TABLE t (x INTEGER)").ok());
  {
    auto transaction = Transaction::BeginImmediate(*db);
    ASSERT_TRUE(transaction.ok());
    EXPECT_TRUE(db->InTransaction());
    ASSERT_TRUE(db->ExecuteScript("INSERT INTO t VALUES (1)").ok());
  }
  EXPECT_FALSE(db->InTransaction());
  EXPECT_EQ(QueryInt(*db, "SELECT count(*) FROM t"), 0);
  {
    auto transaction = Transaction::BeginImmediate(*db);
    ASSERT_TRUE(transaction.ok());
    ASSERT_TRUE(db->ExecuteScript("INSERT INTO t VALUES (2)").ok());
    ASSERT_TRUE(transaction->Commit().ok());
  }
  EXPECT_EQ(QueryInt(*db, "SELECT count(*) FROM t"), 1);
}

TEST_F(ConnectionTest, WriteLockHeldElsewhereIsUnavailableAfterTheBusyTimeout) {
  auto holder = OpenOrFail(Connection::Role::kWriter);
  ASSERT_NE(holder, nullptr);
  // A zero timeout makes the wait end at once, so the test needs no clock and no sleep.
  auto other = OpenOrFail(Connection::Role::kWriter, std::chrono::milliseconds(0));
  ASSERT_NE(other, nullptr);
  auto held = Transaction::BeginImmediate(*holder);
  ASSERT_TRUE(held.ok());
  auto blocked = Transaction::BeginImmediate(*other);
  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.error().code, ErrorCode::kUnavailable);
  ASSERT_TRUE(held->Commit().ok());
  EXPECT_TRUE(Transaction::BeginImmediate(*other).ok());
}

TEST_F(ConnectionTest, ReadersCannotWrite) {
  auto writer = OpenOrFail(Connection::Role::kWriter);
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(writer->ExecuteScript("CREATE TABLE t (x INTEGER)").ok());
  auto reader = OpenOrFail(Connection::Role::kReader);
  ASSERT_NE(reader, nullptr);
  EXPECT_FALSE(reader->ExecuteScript("INSERT INTO t VALUES (1)").ok());
  EXPECT_EQ(QueryInt(*reader, "SELECT count(*) FROM t"), 0);
}

TEST_F(ConnectionTest, ReaderNeedsAnExistingFile) {
  auto reader = Connection::Open(dir_.path() / "missing.db", Connection::Role::kReader, kTimeout);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.error().code, ErrorCode::kUnavailable);
}

TEST_F(ConnectionTest, AFileThatIsNotADatabaseIsUnavailable) {
  std::ofstream(file_) << "this is not an SQLite database, just some text that is long enough";
  auto writer = Connection::Open(file_, Connection::Role::kWriter, kTimeout);
  ASSERT_FALSE(writer.ok());
  EXPECT_EQ(writer.error().code, ErrorCode::kUnavailable);
  auto reader = Connection::Open(file_, Connection::Role::kReader, kTimeout);
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.error().code, ErrorCode::kUnavailable);
}

TEST_F(ConnectionTest, PoolHandsOutEachConnectionToOneHolderAtATime) {
  auto pool = ConnectionPool::Open(file_, 2, kTimeout);
  ASSERT_TRUE(pool.ok()) << pool.error().message;
  ConnectionPool& connections = **pool;
  EXPECT_EQ(connections.reader_count(), 2u);
  {
    auto writer = connections.Writer();
    EXPECT_EQ(writer->role(), Connection::Role::kWriter);
    auto first = connections.Reader();
    auto second = connections.Reader();
    EXPECT_EQ(first->role(), Connection::Role::kReader);
    EXPECT_NE(&*first, &*second);
  }
  // A second Writer() waits for the first lease to end.
  std::atomic<bool> acquired{false};
  std::thread waiter;
  {
    auto writer = connections.Writer();
    waiter = std::thread([&] {
      auto lease = connections.Writer();
      acquired = true;
    });
    EXPECT_FALSE(acquired.load());
  }
  waiter.join();
  EXPECT_TRUE(acquired.load());
}

TEST_F(ConnectionTest, PoolWithoutReadersReadsThroughTheWriter) {
  auto pool = ConnectionPool::Open(file_, 0, kTimeout);
  ASSERT_TRUE(pool.ok()) << pool.error().message;
  auto reader = (*pool)->Reader();
  EXPECT_EQ(reader->role(), Connection::Role::kWriter);
}

}  // namespace
}  // namespace batuta::sqlite
