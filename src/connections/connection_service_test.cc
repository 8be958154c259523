#include "connections/connection_service.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <map>
#include <memory>

#include "secrets/secret_box.h"
#include "store/sqlite/sqlite_store.h"
#include "temp_dir.h"

namespace batuta::connections {
namespace {

const TimePoint kT0 = std::chrono::sys_days(std::chrono::year{2026} / 5 / 6);

std::string FieldOf(const Error& error) { return error.details.value("field", ""); }

class ConnectionServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = SqliteStore::Open(dir_.path() / "batuta.db", clock_);
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(store).value();
    ASSERT_TRUE(store_->Migrate().ok());
    audit_ = std::make_unique<auth::AuditTrail>(*store_, clock_);
    ConnectionRoots roots{dir_.path() / "sqlite", dir_.path(), {"sqlite", "backups"}};
    service_ = std::make_unique<ConnectionService>(*store_, key_, *audit_, clock_, roots);
  }

  nlohmann::json PostgresBody(std::string name = "dw") const {
    return {{"name", std::move(name)},
            {"kind", "postgres"},
            {"settings", {{"host", "127.0.0.1"}, {"database", "dw"}, {"user", "reader"}}},
            {"secrets", {{"password", "s3cr3t-Pa55"}}}};
  }

  std::vector<AuditEntry> Audit(std::string action) {
    AuditFilter filter;
    filter.action = std::move(action);
    auto entries = store_->Audit().List(filter);
    EXPECT_TRUE(entries.ok());
    return entries.ok() ? *entries : std::vector<AuditEntry>{};
  }

  // Creates a SQLite database file under the sqlite root with one table.
  void MakeSqliteFile(const std::string& relative) {
    std::filesystem::create_directories(dir_.path() / "sqlite");
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_.path() / "sqlite" / relative).c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE t (x INTEGER)", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }

  testing::TempDir dir_;
  ManualClock clock_{kT0};
  secrets::MasterKey key_ = std::move(secrets::MasterKey::FromBytes(std::string(32, 'k'))).value();
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<auth::AuditTrail> audit_;
  std::unique_ptr<ConnectionService> service_;
  const auth::Actor actor_ = auth::Actor::System("test");
};

TEST_F(ConnectionServiceTest, SealsSecretsAndNeverShowsThem) {
  auto created = service_->Create(PostgresBody(), actor_);
  ASSERT_TRUE(created.ok()) << created.error().message;
  auto stored = store_->Connections().FindById(created->id);
  ASSERT_TRUE(stored.ok() && stored->has_value());
  const std::string sealed = (*stored)->secrets["password"];
  EXPECT_TRUE(secrets::IsSealed(sealed));
  EXPECT_EQ(sealed.find("s3cr3t"), std::string::npos);
  EXPECT_EQ((*stored)->settings.dump().find("s3cr3t"), std::string::npos);

  const auto json = ConnectionService::ToJson(**stored);
  EXPECT_EQ(json.dump().find("s3cr3t"), std::string::npos);
  EXPECT_EQ(json.dump().find(sealed), std::string::npos);
  EXPECT_EQ(json["secrets"]["password"], true);
  EXPECT_EQ(json["settings"]["port"], 5432);

  auto audit = Audit("connection.create");
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].details.dump().find("s3cr3t"), std::string::npos);
}

TEST_F(ConnectionServiceTest, ResolvesTheDecryptedEndpointAndAuditsTheUse) {
  ASSERT_TRUE(service_->Create(PostgresBody(), actor_).ok());
  auto resolved = service_->ResolveSql("dw", auth::Actor::System("run 1"));
  ASSERT_TRUE(resolved.ok()) << resolved.error().message;
  EXPECT_EQ(resolved->endpoint.kind, sources::SqlKind::kPostgres);
  EXPECT_EQ(resolved->endpoint.password, "s3cr3t-Pa55");
  EXPECT_EQ(resolved->endpoint.port, 5432);
  EXPECT_EQ(resolved->endpoint.options.at("sslmode"), "prefer");
  ASSERT_EQ(resolved->secret_values.size(), 1u);
  EXPECT_EQ(resolved->secret_values[0], "s3cr3t-Pa55");
  EXPECT_EQ(Audit("connection.use").size(), 1u);

  auto missing = service_->ResolveSql("nope", actor_);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  auto storage = service_->ResolveSql("exports", actor_);
  ASSERT_FALSE(storage.ok());
}

TEST_F(ConnectionServiceTest, UpdateKeepsReplacesOrClearsSecrets) {
  auto created = service_->Create(PostgresBody(), actor_);
  ASSERT_TRUE(created.ok());
  // Secrets absent: kept.
  auto renamed = service_->Update(created->id, {{"description", "the warehouse"}}, actor_);
  ASSERT_TRUE(renamed.ok()) << renamed.error().message;
  auto resolved = service_->ResolveSql("dw", actor_);
  ASSERT_TRUE(resolved.ok());
  EXPECT_EQ(resolved->endpoint.password, "s3cr3t-Pa55");
  // A string replaces.
  ASSERT_TRUE(service_->Update(created->id, {{"secrets", {{"password", "n3w"}}}}, actor_).ok());
  resolved = service_->ResolveSql("dw", actor_);
  ASSERT_TRUE(resolved.ok());
  EXPECT_EQ(resolved->endpoint.password, "n3w");
  // null clears.
  auto cleared = service_->Update(created->id, {{"secrets", {{"password", nullptr}}}}, actor_);
  ASSERT_TRUE(cleared.ok());
  EXPECT_EQ(ConnectionService::ToJson(*cleared)["secrets"]["password"], false);
  // The kind is fixed.
  auto kind = service_->Update(created->id, {{"kind", "mysql"}}, actor_);
  ASSERT_FALSE(kind.ok());
  EXPECT_EQ(FieldOf(kind.error()), "kind");
}

TEST_F(ConnectionServiceTest, ASealedSecretCopiedToAnotherConnectionDoesNotOpen) {
  auto first = service_->Create(PostgresBody("a"), actor_);
  nlohmann::json second_body = PostgresBody("b");
  second_body["secrets"] = nlohmann::json::object();
  auto second = service_->Create(second_body, actor_);
  ASSERT_TRUE(first.ok() && second.ok());
  ConnectionRecord tampered = *second;
  tampered.secrets["password"] = first->secrets["password"];
  ASSERT_TRUE(store_->Connections().Update(tampered).ok());
  auto resolved = service_->ResolveSql("b", actor_);
  ASSERT_FALSE(resolved.ok());
  EXPECT_NE(resolved.error().message.find("cannot be read"), std::string::npos);
}

TEST_F(ConnectionServiceTest, RefusesBadDocuments) {
  struct Case {
    nlohmann::json body;
    std::string field;
  };
  nlohmann::json bad_name = PostgresBody("a b");
  nlohmann::json unknown_kind = PostgresBody();
  unknown_kind["kind"] = "oracle";
  nlohmann::json extra = PostgresBody();
  extra["pasword"] = "x";
  nlohmann::json password_in_settings = PostgresBody();
  password_in_settings["settings"]["password"] = "x";
  for (const Case& c : std::vector<Case>{{bad_name, "name"},
                                         {unknown_kind, "kind"},
                                         {extra, "pasword"},
                                         {password_in_settings, "settings.password"},
                                         {nlohmann::json::array(), "body"}}) {
    auto created = service_->Create(c.body, actor_);
    ASSERT_FALSE(created.ok()) << c.body.dump();
    EXPECT_EQ(created.error().code, ErrorCode::kValidation);
    EXPECT_EQ(FieldOf(created.error()), c.field) << created.error().message;
  }
  ASSERT_TRUE(service_->Create(PostgresBody(), actor_).ok());
  auto taken = service_->Create(PostgresBody(), actor_);
  ASSERT_FALSE(taken.ok());
  EXPECT_EQ(taken.error().code, ErrorCode::kConflict);
}

TEST_F(ConnectionServiceTest, SqliteFilesMustBeUnderTheRoot) {
  for (const std::string path : {"../batuta.db", "/etc/passwd", "a/../../x.db"}) {
    auto created = service_->Create(
        {{"name", "lite"}, {"kind", "sqlite"}, {"settings", {{"path", path}}}}, actor_);
    ASSERT_FALSE(created.ok()) << path;
    EXPECT_EQ(FieldOf(created.error()), "settings.path") << path;
  }
  std::filesystem::create_directories(dir_.path() / "sqlite");
  std::filesystem::create_symlink(dir_.path() / "batuta.db", dir_.path() / "sqlite" / "link.db");
  auto link = service_->Create(
      {{"name", "lite"}, {"kind", "sqlite"}, {"settings", {{"path", "link.db"}}}}, actor_);
  ASSERT_FALSE(link.ok());
  EXPECT_EQ(FieldOf(link.error()), "settings.path");
}

TEST_F(ConnectionServiceTest, StorageFoldersStayAwayFromBatutasOwnFiles) {
  for (const std::string folder : {"..", "/tmp", "sqlite", "backups/x", ".batuta"}) {
    auto created = service_->Create(
        {{"name", "files"}, {"kind", "storage"}, {"settings", {{"folder", folder}}}}, actor_);
    ASSERT_FALSE(created.ok()) << folder;
    EXPECT_EQ(FieldOf(created.error()), "settings.folder") << folder;
  }
  auto created = service_->Create(
      {{"name", "files"}, {"kind", "storage"}, {"settings", {{"folder", "reports/daily"}}}},
      actor_);
  ASSERT_TRUE(created.ok()) << created.error().message;
  auto folder = service_->ResolveStorage("files");
  ASSERT_TRUE(folder.ok()) << folder.error().message;
  EXPECT_TRUE(std::filesystem::is_directory(*folder));
  EXPECT_EQ(folder->filename(), "daily");
}

TEST_F(ConnectionServiceTest, CreatesTheDefaultStorageOnce) {
  ASSERT_TRUE(service_->EnsureDefaultStorage().ok());
  ASSERT_TRUE(service_->EnsureDefaultStorage().ok());
  auto list = service_->List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].name, "exports");
  EXPECT_EQ((*list)[0].kind, "storage");
  auto folder = service_->ResolveStorage("exports");
  ASSERT_TRUE(folder.ok());
  EXPECT_EQ(folder->filename(), "exports");
}

TEST_F(ConnectionServiceTest, StorageFoldersNameEveryStorageAndNoOtherKind) {
  ASSERT_TRUE(service_->EnsureDefaultStorage().ok());
  ASSERT_TRUE(
      service_
          ->Create(
              {{"name", "files"}, {"kind", "storage"}, {"settings", {{"folder", "reports/daily"}}}},
              actor_)
          .ok());
  MakeSqliteFile("crm.db");
  ASSERT_TRUE(
      service_
          ->Create({{"name", "crm"}, {"kind", "sqlite"}, {"settings", {{"path", "crm.db"}}}},
                   actor_)
          .ok());
  auto folders = service_->StorageFolders();
  ASSERT_TRUE(folders.ok()) << folders.error().message;
  std::map<std::string, std::string> by_name;
  for (const auto& [name, folder] : *folders) {
    by_name[name] = folder.lexically_relative(dir_.path()).string();
  }
  EXPECT_EQ(by_name, (std::map<std::string, std::string>{{"exports", "exports"},
                                                         {"files", "reports/daily"}}));
}

TEST_F(ConnectionServiceTest, TestsASqliteConnection) {
  MakeSqliteFile("crm.db");
  auto created = service_->Create(
      {{"name", "crm"}, {"kind", "sqlite"}, {"settings", {{"path", "crm.db"}}}}, actor_);
  ASSERT_TRUE(created.ok()) << created.error().message;
  auto outcome = service_->Test(created->id, actor_);
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  EXPECT_TRUE(outcome->ok) << outcome->message;
  EXPECT_NE(outcome->message.find("SQLite"), std::string::npos);
  EXPECT_EQ(Audit("connection.test").size(), 1u);

  // A draft pointing at a missing file is a failed test, not an error.
  auto draft = service_->TestDraft(
      {{"name", "crm2"}, {"kind", "sqlite"}, {"settings", {{"path", "missing.db"}}}}, std::nullopt,
      actor_);
  ASSERT_TRUE(draft.ok()) << draft.error().message;
  EXPECT_FALSE(draft->ok);
  EXPECT_FALSE(draft->message.empty());
}

TEST_F(ConnectionServiceTest, ATestOfADeadServerReportsTheFailure) {
  nlohmann::json body = PostgresBody();
  body["settings"]["host"] = (dir_.path() / "no-socket-here").string();
  body["settings"]["connect_timeout_seconds"] = 2;
  auto outcome = service_->TestDraft(body, std::nullopt, actor_);
  ASSERT_TRUE(outcome.ok()) << outcome.error().message;
  EXPECT_FALSE(outcome->ok);
  EXPECT_EQ(outcome->message.find("s3cr3t"), std::string::npos);
}

TEST_F(ConnectionServiceTest, AConnectionInUseCannotBeDeletedOrRenamed) {
  auto created = service_->Create(PostgresBody(), actor_);
  ASSERT_TRUE(created.ok());
  JobRecord job;
  job.id = "j1";
  job.name = "daily-sales";
  job.definition = {{"type", "sql_export"}, {"config", {{"connection", "dw"}}}};
  job.created_at = job.updated_at = kT0;
  ASSERT_TRUE(store_->Jobs().Create(job).ok());
  auto deleted = service_->Delete(created->id, actor_);
  ASSERT_FALSE(deleted.ok());
  EXPECT_EQ(deleted.error().code, ErrorCode::kConflict);
  EXPECT_NE(deleted.error().message.find("daily-sales"), std::string::npos);
  auto renamed = service_->Update(created->id, {{"name", "dw2"}}, actor_);
  ASSERT_FALSE(renamed.ok());
  EXPECT_EQ(renamed.error().code, ErrorCode::kConflict);
  ASSERT_TRUE(store_->Jobs().Delete("j1").ok());
  EXPECT_TRUE(service_->Delete(created->id, actor_).ok());
  EXPECT_EQ(Audit("connection.delete").size(), 1u);
}

}  // namespace
}  // namespace batuta::connections
