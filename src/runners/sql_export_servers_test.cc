// sql_export against real database servers started by the harness on unix sockets:
// PostgreSQL, MariaDB, and ODBC (Debian's SQLite ODBC driver and psqlODBC).
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <sstream>

#include "mariadb_server.h"
#include "postgres_server.h"
#include "runners/fake_run_context.h"
#include "runners/sql_export.h"
#include "store/sqlite/sqlite_store.h"
#include "temp_dir.h"

namespace batuta::runners {
namespace {

namespace fs = std::filesystem;

const TimePoint kT0 =
    std::chrono::sys_days(std::chrono::year{2026} / 5 / 6) + std::chrono::hours(10);

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// What every server's table holds, and the CSV (rfc4180, LF) the export must produce from it.
constexpr std::string_view kExpected =
    "id,cpf,nome,saldo,visto\n"
    "1,01234567890,\"Ana, \"\"Aninha\"\"\",10.50,2026-05-01 08:30:00\n"
    "2,00098765432,\"Bruno\nSilva\",-3.25,\n"
    "3,,João,,2026-05-05 23:59:59\n";

class SqlExportServersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = SqliteStore::Open(dir_.path() / "batuta.db", clock_);
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(store).value();
    ASSERT_TRUE(store_->Migrate().ok());
    audit_ = std::make_unique<auth::AuditTrail>(*store_, clock_);
    connections::ConnectionRoots roots{dir_.path() / "sqlite", dir_.path(), {"sqlite"}};
    connections_ =
        std::make_unique<connections::ConnectionService>(*store_, key_, *audit_, clock_, roots);
    ASSERT_TRUE(connections_->EnsureDefaultStorage().ok());
    type_ = std::make_unique<SqlExport>(*store_, *connections_, clock_, "UTC");
  }

  void CreateConnection(const nlohmann::json& body) {
    auto created = connections_->Create(body, auth::Actor::System("test"));
    ASSERT_TRUE(created.ok()) << created.error().message;
  }

  runs::RunOutcome Export(
      const std::string& connection, const std::string& run_id,
      const std::string& query = "SELECT id, cpf, nome, saldo, visto FROM clientes ORDER BY id") {
    const nlohmann::json config = {{"connection", connection},
                                   {"query", query},
                                   {"dataset", "clientes"},
                                   {"csv", {{"line_ending", "lf"}}}};
    EXPECT_TRUE(type_->ValidateConfig(config).ok());
    context_ = std::make_unique<testing::FakeContext>(clock_, config);
    context_->mutable_spec().name = "clientes";
    context_->mutable_run().id = run_id;
    context_->mutable_run().queued_at = clock_.Now();
    clock_.Advance(std::chrono::seconds(1));
    return type_->Run(*context_);
  }

  std::string Exported() const { return ReadFile(dir_.path() / "exports" / "clientes.csv"); }

  ::batuta::testing::TempDir dir_;
  ManualClock clock_{kT0};
  secrets::MasterKey key_ = std::move(secrets::MasterKey::FromBytes(std::string(32, 'k'))).value();
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<auth::AuditTrail> audit_;
  std::unique_ptr<connections::ConnectionService> connections_;
  std::unique_ptr<SqlExport> type_;
  std::unique_ptr<testing::FakeContext> context_;
};

constexpr std::string_view kPostgresTable = R"sql(
  DROP TABLE IF EXISTS clientes;
  CREATE TABLE clientes (id integer, cpf text, nome text, saldo numeric(12,2), visto timestamp);
  INSERT INTO clientes VALUES
    (1, '01234567890', 'Ana, "Aninha"', 10.5, '2026-05-01 08:30:00'),
    (2, '00098765432', E'Bruno\nSilva', -3.25, NULL),
    (3, NULL, 'João', NULL, '2026-05-05 23:59:59');
  GRANT SELECT ON clientes TO batuta_user;
)sql";

nlohmann::json PostgresConnection(const ::batuta::testing::PostgresServer& server,
                                  const std::string& password) {
  return {{"name", "pg"},
          {"kind", "postgres"},
          {"settings",
           {{"host", server.socket_dir()},
            {"port", server.port()},
            {"database", server.database()},
            {"user", server.user()},
            {"sslmode", "disable"}}},
          {"secrets", {{"password", password}}}};
}

TEST_F(SqlExportServersTest, ExportsFromPostgres) {
  auto& server = ::batuta::testing::PostgresServer::Shared();
  server.Execute(std::string(kPostgresTable));
  CreateConnection(PostgresConnection(server, server.password()));
  auto outcome = Export("pg", "run-1");
  ASSERT_TRUE(outcome.succeeded) << outcome.error;
  EXPECT_EQ(Exported(), kExpected);
  ASSERT_EQ(context_->secrets.size(), 1u);
  EXPECT_EQ(context_->secrets[0], server.password());
  auto dataset = store_->Artifacts().FindDataset("clientes");
  ASSERT_TRUE(dataset.ok() && dataset->has_value());
  EXPECT_EQ((*dataset)->current.columns[3]["type"], "number");
  EXPECT_EQ((*dataset)->current.columns[4]["type"], "timestamp");
}

TEST_F(SqlExportServersTest, AWrongPostgresPasswordFailsAndKeepsThePreviousVersion) {
  auto& server = ::batuta::testing::PostgresServer::Shared();
  server.Execute(std::string(kPostgresTable));
  CreateConnection(PostgresConnection(server, server.password()));
  ASSERT_TRUE(Export("pg", "run-1").succeeded);
  auto version = store_->Artifacts().FindDataset("clientes");
  ASSERT_TRUE(version.ok() && version->has_value());
  auto stored = store_->Connections().FindByName("pg");
  ASSERT_TRUE(stored.ok() && stored->has_value());
  ASSERT_TRUE(connections_
                  ->Update((*stored)->id, {{"secrets", {{"password", "wrong-password"}}}},
                           auth::Actor::System("test"))
                  .ok());
  auto outcome = Export("pg", "run-2");
  ASSERT_FALSE(outcome.succeeded);
  EXPECT_NE(outcome.error.find("cannot connect to 'pg'"), std::string::npos) << outcome.error;
  EXPECT_NE(outcome.error.find("authentication"), std::string::npos) << outcome.error;
  EXPECT_EQ(outcome.error.find("wrong-password"), std::string::npos);
  EXPECT_EQ(Exported(), kExpected);
  auto after = store_->Artifacts().FindDataset("clientes");
  ASSERT_TRUE(after.ok() && after->has_value());
  EXPECT_EQ((*after)->current.id, (*version)->current.id);
}

TEST_F(SqlExportServersTest, AReadOnlyExportCannotWrite) {
  auto& server = ::batuta::testing::PostgresServer::Shared();
  server.Execute(std::string(kPostgresTable));
  CreateConnection(PostgresConnection(server, server.password()));
  auto outcome =
      Export("pg", "run-1", "WITH gone AS (DELETE FROM clientes RETURNING id) SELECT id FROM gone");
  ASSERT_FALSE(outcome.succeeded);
  EXPECT_NE(outcome.error.find("read-only"), std::string::npos) << outcome.error;
  EXPECT_EQ(server.Execute("SELECT count(*) FROM clientes"), "3\n");
}

TEST_F(SqlExportServersTest, ExportsFromMariadb) {
  auto& server = ::batuta::testing::MariadbServer::Shared();
  server.Execute(
      "DROP TABLE IF EXISTS clientes;"
      "CREATE TABLE clientes (id INT, cpf VARCHAR(11), nome VARCHAR(40), saldo DECIMAL(12,2),"
      " visto DATETIME) CHARACTER SET utf8mb4;"
      "INSERT INTO clientes VALUES"
      " (1, '01234567890', 'Ana, \"Aninha\"', 10.5, '2026-05-01 08:30:00'),"
      " (2, '00098765432', 'Bruno\\nSilva', -3.25, NULL),"
      " (3, NULL, 'João', NULL, '2026-05-05 23:59:59');");
  CreateConnection({{"name", "maria"},
                    {"kind", "mysql"},
                    {"settings",
                     {{"socket", server.socket_path()},
                      {"database", server.database()},
                      {"user", server.user()},
                      {"ssl_mode", "disabled"}}},
                    {"secrets", {{"password", server.password()}}}});
  auto outcome = Export("maria", "run-1");
  ASSERT_TRUE(outcome.succeeded) << outcome.error;
  EXPECT_EQ(Exported(), kExpected);
}

TEST_F(SqlExportServersTest, ExportsThroughOdbc) {
  const fs::path file = dir_.path() / "odbc.db";
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db,
                         "CREATE TABLE clientes (id INTEGER, cpf TEXT, nome TEXT);"
                         "INSERT INTO clientes VALUES (1, '01234567890', 'Ana'), (2, NULL, 'Bia');",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  CreateConnection(
      {{"name", "odbc"},
       {"kind", "odbc"},
       {"secrets", {{"connection_string", "Driver=SQLite3;Database=" + file.string()}}}});
  auto outcome = Export("odbc", "run-1", "SELECT id, cpf, nome FROM clientes ORDER BY id");
  ASSERT_TRUE(outcome.succeeded) << outcome.error;
  EXPECT_EQ(Exported(), "id,cpf,nome\n1,01234567890,Ana\n2,,Bia\n");
}

TEST_F(SqlExportServersTest, ExportsFromPostgresThroughPsqlodbc) {
  auto& server = ::batuta::testing::PostgresServer::Shared();
  server.Execute(std::string(kPostgresTable));
  CreateConnection(
      {{"name", "pgodbc"},
       {"kind", "odbc"},
       {"settings", {{"user", server.user()}}},
       {"secrets",
        {{"connection_string", fmt::format("Driver={{PostgreSQL Unicode}};Servername={};Port={};"
                                           "Database={}",
                                           server.socket_dir(), server.port(), server.database())},
         {"password", server.password()}}}});
  auto outcome = Export("pgodbc", "run-1", "SELECT id, cpf FROM clientes ORDER BY id");
  ASSERT_TRUE(outcome.succeeded) << outcome.error;
  EXPECT_EQ(Exported(), "id,cpf\n1,01234567890\n2,00098765432\n3,\n");
}

}  // namespace
}  // namespace batuta::runners
