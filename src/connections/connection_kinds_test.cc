#include "connections/connection_kinds.h"

#include <gtest/gtest.h>

namespace batuta::connections {
namespace {

std::string FieldOf(const Error& error) { return error.details.value("field", ""); }

TEST(ConnectionKindsTest, FillsDefaultsAndKeepsGivenValues) {
  const KindSpec* postgres = FindKind("postgres");
  ASSERT_NE(postgres, nullptr);
  auto settings = NormalizeSettings(
      *postgres, {{"host", "db"}, {"database", "dw"}, {"user", "reader"}, {"port", 6432}});
  ASSERT_TRUE(settings.ok()) << settings.error().message;
  EXPECT_EQ((*settings)["port"], 6432);
  EXPECT_EQ((*settings)["sslmode"], "prefer");
  EXPECT_EQ((*settings)["connect_timeout_seconds"], 10);
}

TEST(ConnectionKindsTest, RefusesBadSettingsNamingTheField) {
  const KindSpec* postgres = FindKind("postgres");
  ASSERT_NE(postgres, nullptr);
  const nlohmann::json base = {{"host", "db"}, {"database", "dw"}, {"user", "reader"}};
  struct Case {
    nlohmann::json patch;
    std::string field;
  };
  for (const Case& c : std::vector<Case>{
           {{{"port", 0}}, "settings.port"},
           {{{"port", "5432"}}, "settings.port"},
           {{{"sslmode", "sometimes"}}, "settings.sslmode"},
           {{{"hots", "x"}}, "settings.hots"},
           {{{"password", "x"}}, "settings.password"},
           {{{"host", ""}}, "settings.host"},
           {{{"database", nullptr}}, "settings.database"},
       }) {
    nlohmann::json settings = base;
    settings.merge_patch(c.patch);
    if (c.patch.begin().value().is_null()) settings.erase(c.patch.begin().key());
    auto result = NormalizeSettings(*postgres, settings);
    ASSERT_FALSE(result.ok()) << c.patch.dump();
    EXPECT_EQ(result.error().code, ErrorCode::kValidation);
    EXPECT_EQ(FieldOf(result.error()), c.field) << result.error().message;
  }
  auto missing = NormalizeSettings(*postgres, {{"host", "db"}});
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(FieldOf(missing.error()), "settings.database");
}

TEST(ConnectionKindsTest, SecretValuesMustBeSecretFields) {
  const KindSpec* postgres = FindKind("postgres");
  ASSERT_NE(postgres, nullptr);
  EXPECT_TRUE(CheckSecretValues(*postgres, {{"password", "x"}}).ok());
  EXPECT_TRUE(CheckSecretValues(*postgres, {{"password", nullptr}}).ok());
  auto not_secret = CheckSecretValues(*postgres, {{"host", "x"}});
  ASSERT_FALSE(not_secret.ok());
  EXPECT_EQ(FieldOf(not_secret.error()), "secrets.host");
  auto not_string = CheckSecretValues(*postgres, {{"password", 12}});
  ASSERT_FALSE(not_string.ok());
  EXPECT_EQ(FieldOf(not_string.error()), "secrets.password");
}

TEST(ConnectionKindsTest, OdbcNeedsExactlyOneOfDsnAndConnectionString) {
  const KindSpec* odbc = FindKind("odbc");
  ASSERT_NE(odbc, nullptr);
  EXPECT_TRUE(CheckCombination(*odbc, {{"dsn", "oracle"}}, {}).ok());
  EXPECT_TRUE(CheckCombination(*odbc, nlohmann::json::object(), {"connection_string"}).ok());
  EXPECT_FALSE(CheckCombination(*odbc, nlohmann::json::object(), {}).ok());
  EXPECT_FALSE(CheckCombination(*odbc, {{"dsn", "oracle"}}, {"connection_string"}).ok());
}

TEST(ConnectionKindsTest, MysqlNeedsHostOrSocket) {
  const KindSpec* mysql = FindKind("mysql");
  ASSERT_NE(mysql, nullptr);
  EXPECT_TRUE(CheckCombination(*mysql, {{"socket", "/run/mysqld.sock"}}, {}).ok());
  EXPECT_TRUE(CheckCombination(*mysql, {{"host", "db"}}, {}).ok());
  EXPECT_FALSE(CheckCombination(*mysql, nlohmann::json::object(), {}).ok());
}

TEST(ConnectionKindsTest, DescribesEveryKindForForms) {
  const auto kinds = KindsToJson();
  ASSERT_EQ(kinds.size(), AllKinds().size());
  bool password_is_secret = false;
  for (const auto& kind : kinds) {
    for (const auto& field : kind["fields"]) {
      if (kind["name"] == "postgres" && field["name"] == "password") {
        password_is_secret = field["secret"].get<bool>();
      }
    }
  }
  EXPECT_TRUE(password_is_secret);
}

TEST(ConnectionKindsTest, Names) {
  EXPECT_TRUE(IsValidConnectionName("dw"));
  EXPECT_TRUE(IsValidConnectionName("hospital-01.prod_db"));
  EXPECT_FALSE(IsValidConnectionName(""));
  EXPECT_FALSE(IsValidConnectionName("-x"));
  EXPECT_FALSE(IsValidConnectionName(".hidden"));
  EXPECT_FALSE(IsValidConnectionName("a/b"));
  EXPECT_FALSE(IsValidConnectionName("a b"));
  EXPECT_FALSE(IsValidConnectionName(std::string(65, 'a')));
}

}  // namespace
}  // namespace batuta::connections
