// The config fields each built-in job type describes (for the dashboard's forms) agree with
// what its ValidateConfig accepts: every default is accepted, every minimum and maximum is a
// real bound, and the fields are all the fields the type knows.
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "runners/maintenance_backup.h"
#include "runners/maintenance_prune.h"
#include "runners/util_wait.h"
#include "store/sqlite/sqlite_store.h"
#include "temp_dir.h"

namespace batuta::runners {
namespace {

using Json = nlohmann::json;

class ConfigFieldsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = SqliteStore::Open(dir_.path() / "batuta.db", clock_);
    ASSERT_TRUE(store.ok());
    store_ = std::move(store).value();
    types_.push_back(std::make_unique<MaintenancePrune>(*store_));
    types_.push_back(std::make_unique<MaintenanceBackup>(*store_, dir_.path()));
    types_.push_back(std::make_unique<UtilWait>());
  }

  batuta::testing::TempDir dir_;
  ManualClock clock_{TimePoint{std::chrono::seconds(1'800'000'000)}};
  std::unique_ptr<SqliteStore> store_;
  std::vector<std::unique_ptr<runs::JobType>> types_;
};

TEST_F(ConfigFieldsTest, DescribedFieldsMatchWhatTheTypeAccepts) {
  for (const auto& type : types_) {
    const Json fields = type->ConfigFields();
    ASSERT_TRUE(fields.is_array()) << type->Name();
    ASSERT_FALSE(fields.empty()) << type->Name();
    Json defaults = Json::object();
    for (const Json& field : fields) {
      const std::string name = field.at("name");
      const std::string kind = field.at("type");
      EXPECT_TRUE(kind == "integer" || kind == "number" || kind == "string") << name;
      EXPECT_FALSE(field.at("help").get<std::string>().empty()) << name;
      defaults[name] = field.at("default");
      const Status one = type->ValidateConfig({{name, field.at("default")}});
      EXPECT_TRUE(one.ok()) << type->Name() << "." << name << ": " << one.error().message;
      if (field.contains("maximum")) {
        const Status over = type->ValidateConfig({{name, field.at("maximum").get<double>() + 1}});
        ASSERT_FALSE(over.ok()) << type->Name() << "." << name;
        EXPECT_EQ(over.error().details.value("field", ""), "config." + name);
        EXPECT_TRUE(type->ValidateConfig({{name, field.at("maximum")}}).ok()) << name;
      }
      if (field.contains("minimum")) {
        const Status under = type->ValidateConfig({{name, field.at("minimum").get<double>() - 1}});
        EXPECT_FALSE(under.ok()) << type->Name() << "." << name;
      }
    }
    // All of them together, and nothing else: an unknown field is refused.
    EXPECT_TRUE(type->ValidateConfig(defaults).ok()) << type->Name();
    EXPECT_FALSE(type->ValidateConfig({{"not_a_field", 1}}).ok()) << type->Name();
  }
}

}  // namespace
}  // namespace batuta::runners
