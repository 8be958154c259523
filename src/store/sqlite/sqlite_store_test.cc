#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>

#include "store/sqlite/migrations.h"
#include "temp_dir.h"

namespace batuta {
namespace {

using testing::TempDir;

const TimePoint kStart = std::chrono::sys_days(std::chrono::year{2026} / 1 / 2) +
                         std::chrono::hours(3) + std::chrono::minutes(4) + std::chrono::seconds(5) +
                         std::chrono::milliseconds(678);

// A plain sqlite3 connection beside the store, to look at or damage the file directly.
class RawDb {
 public:
  explicit RawDb(const std::filesystem::path& file) {
    if (sqlite3_open_v2(file.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << "raw open failed: " << sqlite3_errmsg(db_);
    }
    sqlite3_busy_timeout(db_, 5000);
  }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;
  ~RawDb() { sqlite3_close_v2(db_); }

  void Exec(const std::string& sql) {
    char* message = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
      ADD_FAILURE() << "raw exec failed: " << (message != nullptr ? message : "") << " in " << sql;
    }
    sqlite3_free(message);
  }

  sqlite3* handle() const { return db_; }

  // The first column of the first row as text ("" when there is no row).
  std::string QueryText(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << "raw prepare failed: " << sqlite3_errmsg(db_);
      return "";
    }
    std::string out;
    if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
      out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    return out;
  }

 private:
  sqlite3* db_ = nullptr;
};

class SqliteStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<SqliteStore> OpenOrFail(SqliteStoreOptions options = {}) {
    auto store = SqliteStore::Open(file_, clock_, std::move(options));
    if (!store.ok()) {
      ADD_FAILURE() << "open failed: " << store.error().message;
      return nullptr;
    }
    return std::move(store).value();
  }

  std::unique_ptr<SqliteStore> OpenMigratedOrFail() {
    auto store = OpenOrFail();
    if (store == nullptr) return nullptr;
    auto applied = store->Migrate();
    if (!applied.ok()) {
      ADD_FAILURE() << "migrate failed: " << applied.error().message;
      return nullptr;
    }
    return store;
  }

  static std::vector<Migration> BuiltInPlus(std::vector<Migration> extra) {
    std::vector<Migration> all = SqliteMigrations();
    all.insert(all.end(), std::make_move_iterator(extra.begin()),
               std::make_move_iterator(extra.end()));
    return all;
  }

  static int NextVersion() { return static_cast<int>(SqliteMigrations().size()) + 1; }

  TempDir dir_;
  std::filesystem::path file_ = dir_.path() / "data" / "batuta.db";
  ManualClock clock_{kStart};
};

TEST_F(SqliteStoreTest, EveryConnectionRunsWithTheDocumentedPragmas) {
  auto store = OpenOrFail();
  ASSERT_NE(store, nullptr);
  auto settings = store->ConnectionSettings();
  ASSERT_TRUE(settings.ok()) << settings.error().message;
  ASSERT_EQ(settings->size(), 1u + SqliteStoreOptions{}.read_connections);
  for (std::size_t i = 0; i < settings->size(); ++i) {
    const SqliteConnectionSettings& s = (*settings)[i];
    SCOPED_TRACE(i);
    EXPECT_EQ(s.writer, i == 0);
    EXPECT_EQ(s.journal_mode, "wal");
    EXPECT_TRUE(s.foreign_keys);
    EXPECT_EQ(s.busy_timeout_ms, 5000);
    EXPECT_EQ(s.synchronous, 1);  // NORMAL
    EXPECT_EQ(s.query_only, i != 0);
  }
}

TEST_F(SqliteStoreTest, OptionsSetReadersAndBusyTimeout) {
  SqliteStoreOptions options;
  options.read_connections = 1;
  options.busy_timeout = std::chrono::milliseconds(250);
  auto store = OpenOrFail(options);
  ASSERT_NE(store, nullptr);
  auto settings = store->ConnectionSettings();
  ASSERT_TRUE(settings.ok());
  ASSERT_EQ(settings->size(), 2u);
  EXPECT_EQ((*settings)[0].busy_timeout_ms, 250);
  EXPECT_EQ((*settings)[1].busy_timeout_ms, 250);
}

TEST_F(SqliteStoreTest, WalIsRecordedInTheFile) {
  auto store = OpenMigratedOrFail();
  ASSERT_NE(store, nullptr);
  RawDb raw(file_);
  EXPECT_EQ(raw.QueryText("PRAGMA journal_mode"), "wal");
  EXPECT_TRUE(std::filesystem::exists(file_.string() + "-wal"));
}

TEST_F(SqliteStoreTest, ForeignKeysAreEnforced) {
  const int v = NextVersion();
  SqliteStoreOptions options;
  options.migrations =
      BuiltInPlus({{v, "parents",
                    "CREATE TABLE parent (id INTEGER PRIMARY KEY);\n"
                    "CREATE TABLE child (id INTEGER PRIMARY KEY,\n"
                    "  parent_id INTEGER NOT NULL REFERENCES parent (id));"},
                   {v + 1, "orphan", "INSERT INTO child (id, parent_id) VALUES (1, 42);"}});
  auto store = OpenOrFail(options);
  ASSERT_NE(store, nullptr);
  auto applied = store->Migrate();
  ASSERT_FALSE(applied.ok());
  EXPECT_EQ(applied.error().code, ErrorCode::kConflict);
  EXPECT_NE(applied.error().message.find("FOREIGN KEY"), std::string::npos)
      << applied.error().message;
  EXPECT_NE(applied.error().message.find(MigrationLabel(v + 1, "orphan")), std::string::npos);
  auto status = store->MigrationStatus();
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->applied_version, v);
}

TEST_F(SqliteStoreTest, CreatesTheFolderAndAPrivateFile) {
  const std::filesystem::path nested = dir_.path() / "a" / "b" / "c" / "batuta.db";
  auto store = SqliteStore::Open(nested, clock_);
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_EQ((*store)->file(), nested);
  EXPECT_EQ((*store)->Kind(), "sqlite");
  ASSERT_TRUE(std::filesystem::exists(nested));
  struct stat info {};
  ASSERT_EQ(::stat(nested.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

TEST_F(SqliteStoreTest, RefusesWhatIsNotADatabase) {
  std::filesystem::create_directories(file_.parent_path());
  std::ofstream(file_) << "id,name\n1,not a database but a CSV file that is long enough\n";
  auto store = SqliteStore::Open(file_, clock_);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, ErrorCode::kUnavailable);

  auto folder = SqliteStore::Open(dir_.path(), clock_);
  ASSERT_FALSE(folder.ok());
  EXPECT_EQ(folder.error().code, ErrorCode::kUnavailable);

  auto empty = SqliteStore::Open("", clock_);
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(SqliteStoreTest, RefusesABrokenMigrationList) {
  SqliteStoreOptions options;
  options.migrations = BuiltInPlus({{NextVersion() + 1, "gap", "SELECT 1;"}});
  auto store = SqliteStore::Open(file_, clock_, options);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.error().code, ErrorCode::kInternal);
}

TEST_F(SqliteStoreTest, EmbeddedMigrationsAreTheFilesByteForByte) {
  const char* source_dir = std::getenv("BATUTA_SOURCE_DIR");
  if (source_dir == nullptr) GTEST_SKIP() << "BATUTA_SOURCE_DIR is not set (run through ctest)";
  const std::vector<Migration>& migrations = SqliteMigrations();
  ASSERT_FALSE(migrations.empty());
  EXPECT_EQ(migrations[0].version, 1);
  EXPECT_EQ(migrations[0].name, "init");
  EXPECT_TRUE(ValidateMigrations(migrations).ok());
  for (const Migration& m : migrations) {
    const auto path = std::filesystem::path(source_dir) / "src/store/sqlite/migrations" /
                      (MigrationLabel(m.version, m.name) + ".sql");
    std::ifstream in(path, std::ios::binary);
    ASSERT_TRUE(in) << path;
    std::ostringstream content;
    content << in.rdbuf();
    EXPECT_EQ(m.sql, content.str()) << path;
  }
}

TEST_F(SqliteStoreTest, TheAuditLogRefusesUpdatesAndDeletesEvenFromRawSql) {
  auto store = OpenMigratedOrFail();
  ASSERT_NE(store, nullptr);
  AuditEntry entry;
  entry.at = kStart;
  entry.actor_kind = "user";
  entry.actor_name = "ana";
  entry.action = "auth.login";
  entry.outcome = "success";
  ASSERT_TRUE(store->Audit().Append(entry).ok());
  RawDb raw(file_);
  char* message = nullptr;
  EXPECT_NE(sqlite3_exec(raw.handle(), "UPDATE audit_log SET outcome = 'failure'", nullptr, nullptr,
                         &message),
            SQLITE_OK);
  EXPECT_NE(std::string(message != nullptr ? message : "").find("append-only"), std::string::npos);
  sqlite3_free(message);
  EXPECT_NE(sqlite3_exec(raw.handle(), "DELETE FROM audit_log", nullptr, nullptr, nullptr),
            SQLITE_OK);
  EXPECT_EQ(raw.QueryText("SELECT outcome FROM audit_log"), "success");
}

TEST_F(SqliteStoreTest, InitCreatesInstanceMetaAndStampsRowsWithTheClock) {
  auto store = OpenMigratedOrFail();
  ASSERT_NE(store, nullptr);
  clock_.Advance(std::chrono::minutes(1));
  ASSERT_TRUE(store->Meta().Put("setup.done", "yes").ok());
  RawDb raw(file_);
  EXPECT_EQ(raw.QueryText("SELECT group_concat(name, ',') FROM pragma_table_info('instance_meta')"),
            "key,value,updated_at");
  EXPECT_EQ(raw.QueryText("SELECT updated_at FROM instance_meta WHERE key = 'setup.done'"),
            "2026-01-02T03:05:05.678Z");
  EXPECT_EQ(raw.QueryText("SELECT applied_at FROM schema_migrations WHERE version = 1"),
            "2026-01-02T03:04:05.678Z");
  EXPECT_EQ(raw.QueryText("SELECT checksum FROM schema_migrations WHERE version = 1"),
            MigrationChecksum(SqliteMigrations()[0].sql));
}

TEST_F(SqliteStoreTest, TamperedChecksumIsRefused) {
  {
    auto store = OpenMigratedOrFail();
    ASSERT_NE(store, nullptr);
  }
  RawDb(file_).Exec(
      "UPDATE schema_migrations SET checksum = "
      "'0000000000000000000000000000000000000000000000000000000000000000' WHERE version = 1");
  auto store = OpenOrFail();
  ASSERT_NE(store, nullptr);
  auto applied = store->Migrate();
  ASSERT_FALSE(applied.ok());
  EXPECT_EQ(applied.error().code, ErrorCode::kConflict);
  EXPECT_NE(applied.error().message.find("0001_init"), std::string::npos)
      << applied.error().message;
  EXPECT_NE(applied.error().message.find("checksum"), std::string::npos);
  auto status = store->MigrationStatus();
  ASSERT_TRUE(status.ok());
  ASSERT_TRUE(status->problem);
  EXPECT_EQ(status->problem->message, applied.error().message);
  EXPECT_FALSE(status->UpToDate());
}

TEST_F(SqliteStoreTest, RowsWrittenByANewerBinaryAreRefused) {
  {
    auto store = OpenMigratedOrFail();
    ASSERT_NE(store, nullptr);
  }
  RawDb(file_).Exec(
      "INSERT INTO schema_migrations (version, name, checksum, applied_at) "
      "VALUES (9999, 'from_the_future', 'abc', '2030-01-01T00:00:00.000Z')");
  auto store = OpenOrFail();
  ASSERT_NE(store, nullptr);
  auto applied = store->Migrate();
  ASSERT_FALSE(applied.ok());
  EXPECT_EQ(applied.error().code, ErrorCode::kConflict);
  EXPECT_NE(applied.error().message.find("9999"), std::string::npos) << applied.error().message;
}

TEST_F(SqliteStoreTest, ADamagedAppliedAtIsAnError) {
  {
    auto store = OpenMigratedOrFail();
    ASSERT_NE(store, nullptr);
  }
  RawDb(file_).Exec("UPDATE schema_migrations SET applied_at = 'yesterday' WHERE version = 1");
  auto store = OpenOrFail();
  ASSERT_NE(store, nullptr);
  auto status = store->MigrationStatus();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kInternal);
}

TEST_F(SqliteStoreTest, AMigrationMustNotEndTheTransaction) {
  SqliteStoreOptions options;
  options.migrations =
      BuiltInPlus({{NextVersion(), "commits", "CREATE TABLE x (id INTEGER); COMMIT;"}});
  auto store = OpenOrFail(options);
  ASSERT_NE(store, nullptr);
  auto applied = store->Migrate();
  ASSERT_FALSE(applied.ok());
  EXPECT_EQ(applied.error().code, ErrorCode::kInternal);
  EXPECT_NE(applied.error().message.find("COMMIT"), std::string::npos) << applied.error().message;
}

TEST_F(SqliteStoreTest, TwoStoresOnOneFileSeeEachOthersWrites) {
  auto first = OpenMigratedOrFail();
  ASSERT_NE(first, nullptr);
  auto second = OpenOrFail();
  ASSERT_NE(second, nullptr);
  auto again = second->Migrate();
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again->empty());
  ASSERT_TRUE(first->Meta().Put("k", "from first").ok());
  auto got = second->Meta().Get("k");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, std::optional<std::string>("from first"));
}

}  // namespace
}  // namespace batuta
