// The sql_export job type end to end below the engine: a real SQLite source, the real store,
// connections, storage, CSV writer and row index; runs driven through a FakeContext.
#include "runners/sql_export.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <openssl/sha.h>
#include <sqlite3.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "datasets/row_index.h"
#include "runners/fake_run_context.h"
#include "small_tmpfs.h"
#include "store/sqlite/sqlite_store.h"
#include "temp_dir.h"

namespace batuta::runners {
namespace {

namespace fs = std::filesystem;
using std::chrono::hours;

// 2026-05-06 10:00 UTC = 07:00 in São Paulo.
const TimePoint kT0 = std::chrono::sys_days(std::chrono::year{2026} / 5 / 6) + hours(10);

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string Sha256Hex(const std::string& bytes) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  std::string hex;
  for (unsigned char byte : digest) hex += fmt::format("{:02x}", byte);
  return hex;
}

class SqlExportTest : public ::testing::Test {
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
    fs::create_directories(dir_.path() / "sqlite");
    Exec(R"sql(
      CREATE TABLE clientes (id INTEGER, cpf TEXT, nome TEXT, saldo REAL, dia DATE);
      INSERT INTO clientes VALUES
        (1, '01234567890', 'Ana; "Aninha"', 10.5, '2026-05-01'),
        (2, '00098765432', 'Bruno
Silva', -3.25, '2026-05-05'),
        (3, NULL, '=1+1', NULL, '2026-04-30');
    )sql");
    auto created = connections_->Create(
        {{"name", "crm"}, {"kind", "sqlite"}, {"settings", {{"path", "crm.db"}}}},
        auth::Actor::System("test"));
    ASSERT_TRUE(created.ok()) << created.error().message;
    type_ = std::make_unique<SqlExport>(*store_, *connections_, clock_, "America/Sao_Paulo");
  }

  void Exec(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_.path() / "sqlite" / "crm.db").c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
    const std::string message = error != nullptr ? error : "";
    sqlite3_free(error);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << message;
  }

  nlohmann::json Config(const nlohmann::json& patch = nlohmann::json::object()) const {
    nlohmann::json config = {
        {"connection", "crm"},
        {"query", "SELECT id, cpf, nome, saldo, dia FROM clientes ORDER BY id"},
        {"dataset", "clientes"},
        {"csv", {{"preset", "excel_br"}}}};
    config.merge_patch(patch);
    return config;
  }

  // Runs the job once with `config`, as run `run_id`, scheduled at `scheduled_for`.
  runs::RunOutcome RunOnce(const nlohmann::json& config, std::string run_id = "run-1",
                           std::optional<TimePoint> scheduled_for = std::nullopt,
                           testing::FakeContext** out = nullptr) {
    EXPECT_TRUE(type_->ValidateConfig(config).ok());
    context_ = std::make_unique<testing::FakeContext>(clock_, config);
    context_->mutable_spec().name = "clientes export";
    context_->mutable_spec().type = "sql_export";
    context_->mutable_run().id = std::move(run_id);
    context_->mutable_run().job_id = "job-1";
    context_->mutable_run().queued_at = clock_.Now();
    context_->mutable_run().scheduled_for = scheduled_for;
    if (out != nullptr) *out = context_.get();
    clock_.Advance(std::chrono::seconds(1));
    return type_->Run(*context_);
  }

  std::optional<DatasetRecord> Dataset(const std::string& name = "clientes") {
    auto dataset = store_->Artifacts().FindDataset(name);
    EXPECT_TRUE(dataset.ok());
    return dataset.ok() ? *dataset : std::nullopt;
  }

  fs::path Exports() const { return dir_.path() / "exports"; }

  ::batuta::testing::TempDir dir_;
  ManualClock clock_{kT0};
  secrets::MasterKey key_ = std::move(secrets::MasterKey::FromBytes(std::string(32, 'k'))).value();
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<auth::AuditTrail> audit_;
  std::unique_ptr<connections::ConnectionService> connections_;
  std::unique_ptr<SqlExport> type_;
  std::unique_ptr<testing::FakeContext> context_;
};

TEST_F(SqlExportTest, ExportsTheRowsAsExcelBrasilCsvAndPublishesADataset) {
  auto outcome = RunOnce(Config());
  ASSERT_TRUE(outcome.succeeded) << outcome.error;
  const std::string file = ReadFile(Exports() / "clientes.csv");
  EXPECT_EQ(file,
            "\xEF\xBB\xBF"
            "id;cpf;nome;saldo;dia\r\n"
            "1;01234567890;\"Ana; \"\"Aninha\"\"\";10,5;01/05/2026\r\n"
            "2;00098765432;\"Bruno\nSilva\";-3,25;05/05/2026\r\n"
            "3;;'=1+1;;30/04/2026\r\n");
  EXPECT_EQ(outcome.result["rows"], 3);
  EXPECT_EQ(outcome.result["path"], "clientes.csv");

  auto dataset = Dataset();
  ASSERT_TRUE(dataset.has_value());
  const ArtifactRecord& artifact = dataset->current;
  EXPECT_EQ(artifact.id, outcome.result["artifact_id"]);
  EXPECT_EQ(artifact.run_id, "run-1");
  EXPECT_EQ(artifact.rows, 3);
  EXPECT_EQ(artifact.bytes, static_cast<std::int64_t>(file.size()));
  EXPECT_EQ(artifact.sha256, Sha256Hex(file));
  EXPECT_EQ(artifact.content_type, "text/csv; charset=utf-8");
  ASSERT_EQ(artifact.columns.size(), 5u);
  EXPECT_EQ(artifact.columns[0]["name"], "id");
  EXPECT_EQ(artifact.columns[0]["type"], "integer");
  EXPECT_EQ(artifact.columns[3]["type"], "number");
  EXPECT_EQ(artifact.columns[4]["type"], "date");
  EXPECT_EQ(artifact.format["delimiter"], ";");
  // The kept version is the same bytes, and its row index describes it.
  EXPECT_EQ(ReadFile(Exports() / artifact.kept_path), file);
  auto index = datasets::RowIndex::Load((Exports() / artifact.index_path).string());
  ASSERT_TRUE(index.ok()) << index.error().message;
  EXPECT_EQ(index->summary().rows, 3u);
  EXPECT_EQ(index->summary().columns, 5u);
  EXPECT_TRUE(index->summary().header);
}

TEST_F(SqlExportTest, BindsRunParametersAndBuiltInDatesInTheJobsZone) {
  // Scheduled at 2026-05-06 02:00 UTC = 2026-05-05 23:00 in São Paulo: "today" is the 5th.
  const TimePoint scheduled = std::chrono::sys_days(std::chrono::year{2026} / 5 / 6) + hours(2);
  auto outcome =
      RunOnce(Config({{"query",
                       "SELECT id FROM clientes WHERE dia >= :window_start AND dia <= :today "
                       "AND id <> :skip ORDER BY id"},
                      {"days_offset", 5},
                      {"csv", {{"preset", "rfc4180"}}}}),
              "run-1", scheduled);
  // :skip is not declared: the run says so.
  ASSERT_FALSE(outcome.succeeded);
  EXPECT_NE(outcome.error.find(":skip"), std::string::npos) << outcome.error;

  runs::ParameterSpec skip;
  skip.name = "skip";
  skip.type = runs::ParameterSpec::Type::kInteger;
  const nlohmann::json config =
      Config({{"query",
               "SELECT id FROM clientes WHERE dia >= :window_start AND dia <= :today "
               "AND id <> :skip ORDER BY id"},
              {"days_offset", 5},
              {"csv", {{"preset", "rfc4180"}}}});
  context_ = std::make_unique<testing::FakeContext>(clock_, config, nlohmann::json{{"skip", 2}});
  context_->mutable_spec().name = "clientes";
  context_->mutable_spec().parameters = {skip};
  context_->mutable_run().id = "run-2";
  context_->mutable_run().parameters = {{"skip", 2}};
  context_->mutable_run().scheduled_for = scheduled;
  outcome = type_->Run(*context_);
  ASSERT_TRUE(outcome.succeeded) << outcome.error;
  // window 2026-04-30 .. 2026-05-05, id 2 skipped.
  EXPECT_EQ(ReadFile(Exports() / "clientes.csv"), "id\r\n1\r\n3\r\n");
}

TEST_F(SqlExportTest, ABadQueryLeavesThePreviousVersionIntact) {
  ASSERT_TRUE(RunOnce(Config()).succeeded);
  const std::string before = ReadFile(Exports() / "clientes.csv");
  const auto version = Dataset()->current.id;

  auto outcome = RunOnce(Config({{"query", "SELECT nope FROM clientes"}}), "run-2");
  ASSERT_FALSE(outcome.succeeded);
  EXPECT_NE(outcome.error.find("the query failed"), std::string::npos) << outcome.error;
  EXPECT_NE(outcome.error.find("nope"), std::string::npos) << outcome.error;
  EXPECT_EQ(ReadFile(Exports() / "clientes.csv"), before);
  EXPECT_EQ(Dataset()->current.id, version);
  // No temporary file is left behind.
  for (const auto& entry : fs::directory_iterator(Exports())) {
    EXPECT_EQ(entry.path().filename().string().find(".batuta-tmp"), std::string::npos);
  }
}

TEST_F(SqlExportTest, ADeadDatabaseFailsTheRunSayingSo) {
  ASSERT_TRUE(RunOnce(Config()).succeeded);
  const auto version = Dataset()->current.id;
  fs::remove(dir_.path() / "sqlite" / "crm.db");
  auto outcome = RunOnce(Config(), "run-2");
  ASSERT_FALSE(outcome.succeeded);
  EXPECT_NE(outcome.error.find("cannot connect to 'crm'"), std::string::npos) << outcome.error;
  EXPECT_EQ(Dataset()->current.id, version);
}

TEST_F(SqlExportTest, RegistersTheConnectionsSecretsBeforeConnecting) {
  auto created = connections_->Create({{"name", "dw"},
                                       {"kind", "postgres"},
                                       {"settings",
                                        {{"host", (dir_.path() / "no-server").string()},
                                         {"database", "dw"},
                                         {"user", "reader"},
                                         {"connect_timeout_seconds", 2}}},
                                       {"secrets", {{"password", "Pa55-w0rd-xyz"}}}},
                                      auth::Actor::System("test"));
  ASSERT_TRUE(created.ok()) << created.error().message;
  testing::FakeContext* context = nullptr;
  auto outcome = RunOnce(Config({{"connection", "dw"}}), "run-1", std::nullopt, &context);
  ASSERT_FALSE(outcome.succeeded);
  EXPECT_NE(outcome.error.find("cannot connect to 'dw'"), std::string::npos) << outcome.error;
  ASSERT_EQ(context->secrets.size(), 1u);
  EXPECT_EQ(context->secrets[0], "Pa55-w0rd-xyz");
  EXPECT_EQ(outcome.error.find("Pa55"), std::string::npos);
}

TEST_F(SqlExportTest, AccumulatesReplacingTheRowsOfTheWindow) {
  const nlohmann::json config =
      Config({{"output", {{"mode", "accumulate"}, {"date_column", "dia"}}},
              {"days_offset", 2},
              {"query", "SELECT id, nome, dia FROM clientes WHERE dia >= :window_start"}});
  // First run on 2026-05-06, window from 05-04: only row 2.
  ASSERT_TRUE(RunOnce(config).succeeded);
  EXPECT_EQ(ReadFile(Exports() / "clientes.csv"),
            "\xEF\xBB\xBFid;nome;dia\r\n2;\"Bruno\nSilva\";05/05/2026\r\n");
  // Row 2 changes, row 4 appears; a day later the window starts 05-05.
  Exec(
      "UPDATE clientes SET nome = 'Bruno S.' WHERE id = 2;"
      "INSERT INTO clientes VALUES (4, '1', 'Dora', 1, '2026-05-07');");
  clock_.Advance(hours(24));
  auto outcome = RunOnce(config, "run-2");
  ASSERT_TRUE(outcome.succeeded) << outcome.error;
  EXPECT_EQ(ReadFile(Exports() / "clientes.csv"),
            "\xEF\xBB\xBFid;nome;dia\r\n2;Bruno S.;05/05/2026\r\n4;Dora;07/05/2026\r\n");
  // Two days later the window starts 05-06: row 2 stays as it was, row 4 is re-exported once.
  clock_.Advance(hours(24));
  outcome = RunOnce(config, "run-3");
  ASSERT_TRUE(outcome.succeeded) << outcome.error;
  EXPECT_EQ(ReadFile(Exports() / "clientes.csv"),
            "\xEF\xBB\xBFid;nome;dia\r\n2;Bruno S.;05/05/2026\r\n4;Dora;07/05/2026\r\n");
  EXPECT_EQ(Dataset()->current.rows, 2);
  EXPECT_EQ(Dataset()->current.columns[2]["type"], "date");
}

TEST_F(SqlExportTest, AccumulatesByKey) {
  const nlohmann::json config =
      Config({{"output", {{"mode", "accumulate"}, {"key", {"cpf"}}}},
              {"query", "SELECT cpf, saldo FROM clientes WHERE id <= :n"}});
  runs::ParameterSpec n;
  n.name = "n";
  n.type = runs::ParameterSpec::Type::kInteger;
  const auto run = [&](int limit, const std::string& id) {
    context_ = std::make_unique<testing::FakeContext>(clock_, config);
    context_->mutable_spec().name = "clientes";
    context_->mutable_spec().parameters = {n};
    context_->mutable_run().id = id;
    context_->mutable_run().parameters = {{"n", limit}};
    context_->mutable_run().queued_at = clock_.Now();
    return type_->Run(*context_);
  };
  ASSERT_TRUE(run(2, "run-1").succeeded);
  Exec("UPDATE clientes SET saldo = 99.5 WHERE id = 1;");
  auto outcome = run(1, "run-2");
  ASSERT_TRUE(outcome.succeeded) << outcome.error;
  EXPECT_EQ(ReadFile(Exports() / "clientes.csv"),
            "\xEF\xBB\xBF"
            "cpf;saldo\r\n00098765432;-3,25\r\n01234567890;99,5\r\n");
}

TEST_F(SqlExportTest, WritesOneFilePerPeriod) {
  const nlohmann::json config = Config({{"output",
                                         {{"mode", "per_period"},
                                          {"path", "mensal/{dataset} {mm}.{yyyy}.csv"},
                                          {"period", "month"}}},
                                        {"query", "SELECT id FROM clientes WHERE id = 1"}});
  const TimePoint may = std::chrono::sys_days(std::chrono::year{2026} / 5 / 20) + hours(12);
  const TimePoint june = std::chrono::sys_days(std::chrono::year{2026} / 6 / 2) + hours(12);
  ASSERT_TRUE(RunOnce(config, "run-1", may).succeeded);
  ASSERT_TRUE(RunOnce(config, "run-2", june).succeeded);
  EXPECT_TRUE(fs::exists(Exports() / "mensal" / "clientes 05.2026.csv"));
  EXPECT_TRUE(fs::exists(Exports() / "mensal" / "clientes 06.2026.csv"));
  EXPECT_EQ(Dataset()->current.path, "mensal/clientes 06.2026.csv");
}

TEST_F(SqlExportTest, KeepsTheLastVersionsOnly) {
  const nlohmann::json config = Config({{"keep_versions", 2}});
  std::vector<std::string> kept;
  for (int i = 0; i < 4; ++i) {
    auto outcome = RunOnce(config, fmt::format("run-{}", i));
    ASSERT_TRUE(outcome.succeeded) << outcome.error;
    kept.push_back(Dataset()->current.kept_path);
  }
  auto versions = store_->Artifacts().ListVersions("clientes", 10);
  ASSERT_TRUE(versions.ok());
  EXPECT_EQ(versions->size(), 2u);
  EXPECT_FALSE(fs::exists(Exports() / kept[0]));
  EXPECT_FALSE(fs::exists(Exports() / kept[1]));
  EXPECT_TRUE(fs::exists(Exports() / kept[2]));
  EXPECT_TRUE(fs::exists(Exports() / kept[3]));
}

TEST_F(SqlExportTest, ACancelledRunStopsTheQueryAndKeepsThePreviousFile) {
  ASSERT_TRUE(RunOnce(Config()).succeeded);
  const std::string before = ReadFile(Exports() / "clientes.csv");
  // An endless query; cancelling at its first progress report must stop it.
  const nlohmann::json config =
      Config({{"query",
               "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT i FROM n"}});
  context_ = std::make_unique<testing::FakeContext>(clock_, config);
  context_->mutable_spec().name = "clientes";
  context_->mutable_run().id = "run-2";
  context_->on_progress = [this](const nlohmann::json&) {
    context_->token().Cancel(runs::CancelReason::kCancelled);
  };
  auto outcome = type_->Run(*context_);
  EXPECT_FALSE(outcome.succeeded);
  EXPECT_EQ(ReadFile(Exports() / "clientes.csv"), before);
}

TEST_F(SqlExportTest, AFullDiskFailsTheRunAndKeepsThePreviousVersion) {
  const ::batuta::testing::SmallTmpfs small(dir_.path() / "small", "size=256k,mode=0700");
  if (!small.mounted()) GTEST_SKIP() << small.SkipReason();
  auto storage = connections_->Create(
      {{"name", "small"}, {"kind", "storage"}, {"settings", {{"folder", "small"}}}},
      auth::Actor::System("test"));
  ASSERT_TRUE(storage.ok()) << storage.error().message;
  const nlohmann::json small_config = Config({{"output", {{"storage", "small"}}}});
  ASSERT_TRUE(RunOnce(small_config).succeeded);
  const std::string before = ReadFile(dir_.path() / "small" / "clientes.csv");
  const auto version = Dataset()->current.id;
  // About 1 MB of rows cannot fit in what is left of 256 KiB.
  auto outcome = RunOnce(
      Config({{"output", {{"storage", "small"}}},
              {"query",
               "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000) "
               "SELECT i, printf('%040d', i) AS padding FROM n"}}),
      "run-2");
  ASSERT_FALSE(outcome.succeeded);
  EXPECT_NE(outcome.error.find("disk full"), std::string::npos) << outcome.error;
  EXPECT_EQ(ReadFile(dir_.path() / "small" / "clientes.csv"), before);
  EXPECT_EQ(Dataset()->current.id, version);
}

TEST_F(SqlExportTest, ValidationNamesTheField) {
  struct Case {
    nlohmann::json patch;
    std::string field;
  };
  for (const Case& c : std::vector<Case>{
           {{{"connection", "nope"}}, "config.connection"},
           {{{"connection", "exports"}}, "config.connection"},
           {{{"output", {{"storage", "crm"}}}}, "config.output.storage"},
           {{{"output", {{"mode", "append"}}}}, "config.output.mode"},
           {{{"output", {{"mode", "accumulate"}}}}, "config.output.key"},
           {{{"output", {{"path", "../x.csv"}}}}, "config.output.path"},
           {{{"output", {{"path", "{nope}.csv"}}}}, "config.output.path"},
           {{{"query", "SELECT ':x"}}, "config.query"},
           {{{"csv", {{"delimiter", "ab"}}}}, "config.csv.delimiter"},
           {{{"dataset", "a b"}}, "config.dataset"},
           {{{"timezone", "Mars/Base"}}, "config.timezone"},
           {{{"keep_versions", 0}}, "config.keep_versions"},
           {{{"extra", 1}}, "config.extra"},
       }) {
    auto status = type_->ValidateConfig(Config(c.patch));
    ASSERT_FALSE(status.ok()) << c.patch.dump();
    EXPECT_EQ(status.error().details.value("field", ""), c.field) << status.error().message;
  }
}

}  // namespace
}  // namespace batuta::runners
