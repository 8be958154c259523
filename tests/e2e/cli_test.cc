// The command line: help, version, configuration precedence and one-line errors.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "batuta_process.h"
#include "http_client.h"

namespace batuta::testing {
namespace {

int CountLines(const std::string& text) {
  int lines = 0;
  for (char c : text) lines += c == '\n';
  return lines;
}

TEST(CliTest, VersionPrintsTheVersion) {
  const auto result = RunBatuta({"version"});
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out.rfind("batuta ", 0), 0u) << result.out;
}

TEST(CliTest, HelpListsCommandsAndSettings) {
  const auto top = RunBatuta({"--help"});
  EXPECT_EQ(top.exit_code, 0);
  EXPECT_NE(top.out.find("serve"), std::string::npos);
  EXPECT_NE(top.out.find("migrate"), std::string::npos);
  const auto serve = RunBatuta({"serve", "--help"});
  EXPECT_EQ(serve.exit_code, 0);
  EXPECT_NE(serve.out.find("--data-dir"), std::string::npos);
  EXPECT_NE(serve.out.find("BATUTA_PORT"), std::string::npos);
}

TEST(CliTest, InvalidEnvironmentSettingStopsStartupWithOneLine) {
  TempDir dir;
  const auto result =
      RunBatuta({"serve", "--data-dir", dir.path().string()}, {"BATUTA_PORT=eighty"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(CountLines(result.err), 1) << result.err;
  EXPECT_NE(result.err.find("invalid setting port (from BATUTA_PORT)"), std::string::npos)
      << result.err;
}

TEST(CliTest, InvalidFlagNamesTheSetting) {
  const auto result = RunBatuta({"serve", "--request-timeout", "soon"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_NE(result.err.find("invalid setting request-timeout (from --request-timeout)"),
            std::string::npos)
      << result.err;
}

TEST(CliTest, ConfigFileErrorsNameFileAndLine) {
  TempDir dir;
  const auto file = dir.path() / "batuta.conf";
  std::ofstream(file) << "# comment\nport = 8080\nlog-level = loud\n";
  const auto bad_value = RunBatuta({"serve", "--config", file.string()});
  EXPECT_EQ(bad_value.exit_code, 2);
  EXPECT_NE(bad_value.err.find("invalid setting log-level (from config file)"), std::string::npos)
      << bad_value.err;

  std::ofstream(file) << "colour = blue\n";
  const auto unknown = RunBatuta({"serve", "--config", file.string()});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("line 1: unknown setting 'colour'"), std::string::npos) << unknown.err;
}

TEST(CliTest, FlagsBeatEnvironmentWhichBeatsTheConfigFile) {
  TempDir dir;
  const auto file = dir.path() / "batuta.conf";
  // The file asks for another loopback address (the listening line would not match); the
  // environment overrides it; the flag overrides the environment's data folder.
  std::ofstream(file) << "listen = 127.0.0.2\ndata-dir = " << (dir.path() / "from-file").string()
                      << "\n";
  BatutaServer server(
      dir.path() / "from-flag", {"--config", file.string()},
      {"BATUTA_LISTEN=127.0.0.1", "BATUTA_DATA_DIR=" + (dir.path() / "from-env").string()});
  EXPECT_EQ(Request(server.port(), "GET", "/healthz").status, 200);
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "from-flag" / "batuta.db"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "from-env"));
  EXPECT_FALSE(std::filesystem::exists(dir.path() / "from-file"));
}

TEST(CliTest, MigrateAppliesOnceAndReportsStatus) {
  TempDir dir;
  const auto first = RunBatuta({"migrate", "--data-dir", dir.path().string()});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.out.find("applied 0001_init"), std::string::npos) << first.out;
  const auto second = RunBatuta({"migrate", "--data-dir", dir.path().string()});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_NE(second.out.find("store is up to date"), std::string::npos) << second.out;
  const auto status = RunBatuta({"migrate", "--status", "--data-dir", dir.path().string()});
  EXPECT_EQ(status.exit_code, 0);
  EXPECT_NE(status.out.find("0001_init  applied"), std::string::npos) << status.out;
}

TEST(CliTest, PortInUseIsAClearError) {
  TempDir dir;
  BatutaServer first(dir.path() / "a");
  const auto second = RunBatuta(
      {"serve", "--data-dir", (dir.path() / "b").string(), "--port", std::to_string(first.port())});
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_NE(second.err.find("cannot listen on 127.0.0.1:" + std::to_string(first.port())),
            std::string::npos)
      << second.err;
}

}  // namespace
}  // namespace batuta::testing
