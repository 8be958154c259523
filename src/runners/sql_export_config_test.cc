#include "runners/sql_export_config.h"

#include <gtest/gtest.h>

namespace batuta::runners {
namespace {

TEST(SqlExportConfigTest, FillsDefaults) {
  auto config = ParseSqlExportConfig({{"connection", "dw"}, {"query", "SELECT 1"}});
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->storage, "exports");
  EXPECT_EQ(config->path, "{dataset}.csv");
  EXPECT_EQ(config->mode, ExportMode::kOverwrite);
  EXPECT_TRUE(config->read_only);
  EXPECT_EQ(config->keep_versions, 10);
  EXPECT_EQ(config->statement_timeout_seconds, 1800);
  EXPECT_EQ(config->csv.delimiter, ',');
}

TEST(SqlExportConfigTest, ReadsEveryField) {
  auto config = ParseSqlExportConfig({{"connection", "dw"},
                                      {"query", "SELECT 1"},
                                      {"timezone", "America/Sao_Paulo"},
                                      {"days_offset", 3},
                                      {"read_only", false},
                                      {"statement_timeout_seconds", 60},
                                      {"csv", {{"preset", "excel_br"}}},
                                      {"output",
                                       {{"storage", "files"},
                                        {"path", "{dataset}/{yyyy}-{mm}.csv"},
                                        {"mode", "accumulate"},
                                        {"date_column", "dia"}}},
                                      {"dataset", "vendas"},
                                      {"keep_versions", 3}});
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->timezone, "America/Sao_Paulo");
  EXPECT_EQ(config->days_offset, 3);
  EXPECT_FALSE(config->read_only);
  EXPECT_EQ(config->csv.delimiter, ';');
  EXPECT_EQ(config->storage, "files");
  EXPECT_EQ(config->mode, ExportMode::kAccumulate);
  EXPECT_EQ(config->date_column, "dia");
  EXPECT_EQ(config->dataset, "vendas");
}

TEST(SqlExportConfigTest, PerPeriodNeedsAPathNamingThePeriod) {
  auto config = ParseSqlExportConfig(
      {{"connection", "dw"}, {"query", "SELECT 1"}, {"output", {{"mode", "per_period"}}}});
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().details["field"], "config.output.path");
}

TEST(SqlExportConfigTest, KeyOnlyWithAccumulate) {
  auto config = ParseSqlExportConfig(
      {{"connection", "dw"}, {"query", "SELECT 1"}, {"output", {{"key", {"id"}}}}});
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.error().details["field"], "config.output.key");
}

TEST(SqlExportConfigTest, DatasetNameForAJob) {
  EXPECT_EQ(DatasetNameFor("Vendas diárias"), "Vendas-di--rias");
  EXPECT_EQ(DatasetNameFor("--x"), "x");
  EXPECT_EQ(DatasetNameFor("!!!"), "job");
  EXPECT_EQ(DatasetNameFor(std::string(80, 'a')).size(), 64u);
  EXPECT_TRUE(IsValidDatasetName(DatasetNameFor("Relatório: mensal / 2026")));
}

}  // namespace
}  // namespace batuta::runners
