// Conformance of the data repositories: connections, artifacts and the datasets pointing at
// them.
#include <chrono>
#include <string>
#include <vector>

#include "store_conformance/store_conformance.h"

namespace batuta::conformance {
namespace {

using std::chrono::hours;
using std::chrono::minutes;

const TimePoint kT0 = std::chrono::sys_days(std::chrono::year{2026} / 5 / 6) + hours(7);

ConnectionRecord MakeConnection(std::string id, std::string name) {
  ConnectionRecord connection;
  connection.id = std::move(id);
  connection.name = std::move(name);
  connection.kind = "postgres";
  connection.description = "warehouse";
  connection.settings = {{"host", "db.internal"}, {"port", 5432}, {"user", "reader"}};
  connection.secrets = {{"password", "v1.abcd.sealed"}};
  connection.created_at = kT0;
  connection.updated_at = kT0;
  connection.updated_by = "ana";
  return connection;
}

ArtifactRecord MakeArtifact(std::string id, std::string dataset, TimePoint at) {
  ArtifactRecord artifact;
  artifact.id = std::move(id);
  artifact.run_id = "run-" + artifact.id;
  artifact.job_id = "job-1";
  artifact.dataset = std::move(dataset);
  artifact.storage = "exports";
  artifact.path = "vendas.csv";
  artifact.kept_path = ".batuta/versions/" + artifact.id + ".csv";
  artifact.index_path = ".batuta/versions/" + artifact.id + ".idx";
  artifact.content_type = "text/csv";
  artifact.rows = 3;
  artifact.bytes = 120;
  artifact.columns = nlohmann::json::array({{{"name", "cpf"}, {"type", "text"}}});
  artifact.format = {{"delimiter", ";"}};
  artifact.sha256 = std::string(64, 'a');
  artifact.created_at = at;
  return artifact;
}

TEST_P(DataConformanceTest, StoresAndReadsAConnection) {
  ASSERT_TRUE(store_->Connections().Create(MakeConnection("c1", "warehouse")).ok());
  auto found = store_->Connections().FindByName("warehouse");
  ASSERT_TRUE(found.ok()) << found.error().message;
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ((*found)->id, "c1");
  EXPECT_EQ((*found)->kind, "postgres");
  EXPECT_EQ((*found)->settings["port"], 5432);
  EXPECT_EQ((*found)->secrets["password"], "v1.abcd.sealed");
  EXPECT_EQ((*found)->created_at, kT0);
  EXPECT_EQ((*found)->updated_by, "ana");
  auto by_id = store_->Connections().FindById("c1");
  ASSERT_TRUE(by_id.ok() && by_id->has_value());
  EXPECT_EQ((*by_id)->name, "warehouse");
  auto missing = store_->Connections().FindById("nope");
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TEST_P(DataConformanceTest, AConnectionNameIsUnique) {
  ASSERT_TRUE(store_->Connections().Create(MakeConnection("c1", "warehouse")).ok());
  auto again = store_->Connections().Create(MakeConnection("c2", "warehouse"));
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kConflict);
  ASSERT_TRUE(store_->Connections().Create(MakeConnection("c2", "crm")).ok());
  ConnectionRecord renamed = MakeConnection("c2", "warehouse");
  auto update = store_->Connections().Update(renamed);
  ASSERT_FALSE(update.ok());
  EXPECT_EQ(update.error().code, ErrorCode::kConflict);
}

TEST_P(DataConformanceTest, UpdatesAndDeletesAConnection) {
  ASSERT_TRUE(store_->Connections().Create(MakeConnection("c1", "warehouse")).ok());
  ConnectionRecord edited = MakeConnection("c1", "dw");
  edited.kind = "mysql";  // ignored: a connection keeps its kind
  edited.settings["port"] = 6432;
  edited.secrets = nlohmann::json::object();
  edited.updated_at = kT0 + minutes(5);
  edited.updated_by = "bia";
  ASSERT_TRUE(store_->Connections().Update(edited).ok());
  auto found = store_->Connections().FindById("c1");
  ASSERT_TRUE(found.ok() && found->has_value());
  EXPECT_EQ((*found)->name, "dw");
  EXPECT_EQ((*found)->kind, "postgres");
  EXPECT_EQ((*found)->settings["port"], 6432);
  EXPECT_TRUE((*found)->secrets.empty());
  EXPECT_EQ((*found)->created_at, kT0);
  EXPECT_EQ((*found)->updated_at, kT0 + minutes(5));
  EXPECT_EQ((*found)->updated_by, "bia");

  ConnectionRecord unknown = MakeConnection("zz", "zz");
  auto update = store_->Connections().Update(unknown);
  ASSERT_FALSE(update.ok());
  EXPECT_EQ(update.error().code, ErrorCode::kNotFound);

  ASSERT_TRUE(store_->Connections().Delete("c1").ok());
  auto gone = store_->Connections().Delete("c1");
  ASSERT_FALSE(gone.ok());
  EXPECT_EQ(gone.error().code, ErrorCode::kNotFound);
}

TEST_P(DataConformanceTest, ListsConnectionsByName) {
  ASSERT_TRUE(store_->Connections().Create(MakeConnection("c1", "b")).ok());
  ASSERT_TRUE(store_->Connections().Create(MakeConnection("c2", "a")).ok());
  auto list = store_->Connections().List();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].name, "a");
  EXPECT_EQ((*list)[1].name, "b");
}

TEST_P(DataConformanceTest, AnArtifactOfADatasetBecomesItsCurrentVersion) {
  ASSERT_TRUE(store_->Artifacts().Create(MakeArtifact("a1", "vendas", kT0)).ok());
  auto dataset = store_->Artifacts().FindDataset("vendas");
  ASSERT_TRUE(dataset.ok()) << dataset.error().message;
  ASSERT_TRUE(dataset->has_value());
  EXPECT_EQ((*dataset)->current.id, "a1");
  EXPECT_EQ((*dataset)->job_id, "job-1");
  EXPECT_EQ((*dataset)->updated_at, kT0);
  EXPECT_EQ((*dataset)->current.columns[0]["name"], "cpf");
  EXPECT_EQ((*dataset)->current.format["delimiter"], ";");
  EXPECT_EQ((*dataset)->current.rows, 3);

  ASSERT_TRUE(store_->Artifacts().Create(MakeArtifact("a2", "vendas", kT0 + hours(1))).ok());
  dataset = store_->Artifacts().FindDataset("vendas");
  ASSERT_TRUE(dataset.ok() && dataset->has_value());
  EXPECT_EQ((*dataset)->current.id, "a2");
  EXPECT_EQ((*dataset)->updated_at, kT0 + hours(1));

  auto versions = store_->Artifacts().ListVersions("vendas", 10);
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[0].id, "a2");
  EXPECT_EQ((*versions)[1].id, "a1");
  auto one = store_->Artifacts().ListVersions("vendas", 1);
  ASSERT_TRUE(one.ok());
  EXPECT_EQ(one->size(), 1u);
}

TEST_P(DataConformanceTest, TheCurrentVersionCannotBeDeleted) {
  ASSERT_TRUE(store_->Artifacts().Create(MakeArtifact("a1", "vendas", kT0)).ok());
  ASSERT_TRUE(store_->Artifacts().Create(MakeArtifact("a2", "vendas", kT0 + hours(1))).ok());
  auto current = store_->Artifacts().Delete("a2");
  ASSERT_FALSE(current.ok());
  EXPECT_EQ(current.error().code, ErrorCode::kConflict);
  ASSERT_TRUE(store_->Artifacts().Delete("a1").ok());
  auto gone = store_->Artifacts().FindById("a1");
  ASSERT_TRUE(gone.ok());
  EXPECT_FALSE(gone->has_value());
  auto missing = store_->Artifacts().Delete("a1");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
}

TEST_P(DataConformanceTest, AnArtifactWithoutDatasetMakesNone) {
  ASSERT_TRUE(store_->Artifacts().Create(MakeArtifact("a1", "", kT0)).ok());
  auto datasets = store_->Artifacts().ListDatasets();
  ASSERT_TRUE(datasets.ok());
  EXPECT_TRUE(datasets->empty());
  auto by_run = store_->Artifacts().ListByRun("run-a1");
  ASSERT_TRUE(by_run.ok());
  ASSERT_EQ(by_run->size(), 1u);
  EXPECT_EQ((*by_run)[0].kept_path, ".batuta/versions/a1.csv");
  auto versions = store_->Artifacts().ListVersions("", 10);
  ASSERT_TRUE(versions.ok());
  EXPECT_TRUE(versions->empty());
  auto duplicate = store_->Artifacts().Create(MakeArtifact("a1", "", kT0));
  ASSERT_FALSE(duplicate.ok());
  EXPECT_EQ(duplicate.error().code, ErrorCode::kConflict);
}

TEST_P(DataConformanceTest, ListsAndDeletesDatasets) {
  ASSERT_TRUE(store_->Artifacts().Create(MakeArtifact("a1", "zeta", kT0)).ok());
  ASSERT_TRUE(store_->Artifacts().Create(MakeArtifact("a2", "alfa", kT0)).ok());
  auto datasets = store_->Artifacts().ListDatasets();
  ASSERT_TRUE(datasets.ok());
  ASSERT_EQ(datasets->size(), 2u);
  EXPECT_EQ((*datasets)[0].name, "alfa");
  EXPECT_EQ((*datasets)[0].current.id, "a2");
  EXPECT_EQ((*datasets)[1].name, "zeta");
  ASSERT_TRUE(store_->Artifacts().DeleteDataset("zeta").ok());
  auto missing = store_->Artifacts().DeleteDataset("zeta");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  // Its artifacts stay, and may now be deleted.
  EXPECT_TRUE(store_->Artifacts().Delete("a1").ok());
}

}  // namespace

void DataConformanceTest::SetUp() {
  StoreConformanceTest::SetUp();
  store_ = OpenMigratedOrFail();
  ASSERT_NE(store_, nullptr);
}

}  // namespace batuta::conformance
