// Connections, sql_export runs and the data API through the real HTTP server: a SQLite
// database as the source, the engine ticked by the test, the exported dataset read back.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <zlib.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "api/api_test_support.h"

namespace batuta::api {
namespace {

using testing::Caller;
using Json = nlohmann::json;

constexpr auto kWait = std::chrono::seconds(30);

std::string Gunzip(const std::string& compressed) {
  z_stream stream{};
  EXPECT_EQ(inflateInit2(&stream, 15 + 16), Z_OK);
  std::string out;
  char buffer[16384];
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  int rc = Z_OK;
  while (rc == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof(buffer);
    rc = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer, sizeof(buffer) - stream.avail_out);
  }
  inflateEnd(&stream);
  EXPECT_EQ(rc, Z_STREAM_END);
  return out;
}

class DataRoutesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.Start();
    const auto folder = server_.data_dir() / "sqlite";
    std::filesystem::create_directories(folder);
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((folder / "crm.db").c_str(), &db), SQLITE_OK);
    std::string sql =
        "CREATE TABLE clientes (id INTEGER, cpf TEXT, nome TEXT, saldo REAL);"
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000) "
        "INSERT INTO clientes SELECT i, printf('%011d', i), 'cliente ' || i, i * 1.5 FROM n;";
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }

  struct Reply {
    int status = 0;
    Json body;
    batuta::testing::HttpReply raw;
  };
  Reply Parse(const batuta::testing::HttpReply& reply) {
    Reply parsed{reply.status, Json(), reply};
    if (!reply.body.empty()) parsed.body = Json::parse(reply.body, nullptr, false);
    return parsed;
  }
  Reply Get(const std::string& target, const Caller& caller = Caller::Key("viewer"),
            std::vector<std::string> headers = {}) {
    return Parse(server_.Send("GET", target, caller, {}, std::move(headers)));
  }
  Reply Post(const std::string& target, const Json& body, const Caller& caller = kEditor) {
    return Parse(server_.SendJson("POST", target, caller, body.dump()));
  }

  // Creates the connection and the export job, runs it, and returns the run's id.
  std::string ExportClientes() {
    auto connection =
        Post("/api/v1/connections",
             {{"name", "crm"}, {"kind", "sqlite"}, {"settings", {{"path", "crm.db"}}}});
    EXPECT_EQ(connection.status, 201) << connection.body.dump();
    auto job =
        Post("/api/v1/jobs", {{"name", "clientes"},
                              {"type", "sql_export"},
                              {"config",
                               {{"connection", "crm"},
                                {"query", "SELECT id, cpf, nome, saldo FROM clientes ORDER BY id"},
                                {"csv", {{"preset", "excel_br"}}}}}});
    EXPECT_EQ(job.status, 201) << job.body.dump();
    auto run = Post("/api/v1/jobs/" + job.body.value("id", "") + "/runs", Json::object(),
                    Caller::Session("operator"));
    EXPECT_EQ(run.status, 201) << run.body.dump();
    server_.engine().Tick();
    EXPECT_TRUE(server_.engine().WaitIdle(kWait));
    auto finished = Get("/api/v1/runs/" + run.body.value("id", ""));
    EXPECT_EQ(finished.body.value("status", ""), "succeeded") << finished.body.dump();
    return run.body.value("id", "");
  }

  static inline const Caller kEditor = Caller::Session("editor");
  testing::ApiTestServer server_;
};

TEST_F(DataRoutesTest, ConnectionsHideTheirSecrets) {
  auto created = Post("/api/v1/connections",
                      {{"name", "dw"},
                       {"kind", "postgres"},
                       {"settings", {{"host", "db.internal"}, {"database", "dw"}, {"user", "r"}}},
                       {"secrets", {{"password", "Very-Secret-1"}}}});
  ASSERT_EQ(created.status, 201) << created.body.dump();
  EXPECT_EQ(created.body["secrets"]["password"], true);
  const std::string id = created.body["id"];
  for (const auto& reply : {Get("/api/v1/connections", Caller::Session("operator")),
                            Get("/api/v1/connections/" + id, Caller::Session("operator"))}) {
    EXPECT_EQ(reply.status, 200);
    EXPECT_EQ(reply.raw.body.find("Very-Secret-1"), std::string::npos);
    EXPECT_EQ(reply.raw.body.find("v1."), std::string::npos) << "no ciphertext either";
  }
  auto invalid = Post("/api/v1/connections", {{"name", "x"}, {"kind", "postgres"}});
  EXPECT_EQ(invalid.status, 422);
  EXPECT_EQ(invalid.body["error"]["details"]["field"], "settings.host");
  auto kinds = Get("/api/v1/connection-kinds", Caller::Session("operator"));
  ASSERT_EQ(kinds.status, 200);
  EXPECT_EQ(kinds.body["kinds"].size(), 5u);
}

TEST_F(DataRoutesTest, TestsAConnection) {
  auto created = Post("/api/v1/connections",
                      {{"name", "crm"}, {"kind", "sqlite"}, {"settings", {{"path", "crm.db"}}}});
  ASSERT_EQ(created.status, 201);
  auto tested = Post("/api/v1/connections/" + created.body["id"].get<std::string>() + "/test",
                     Json::object());
  ASSERT_EQ(tested.status, 200) << tested.body.dump();
  EXPECT_TRUE(tested.body["ok"].get<bool>()) << tested.body.dump();
  auto draft = Post(
      "/api/v1/connections/test",
      {{"connection", {{"name", "other"}, {"kind", "sqlite"}, {"settings", {{"path", "no.db"}}}}}});
  ASSERT_EQ(draft.status, 200) << draft.body.dump();
  EXPECT_FALSE(draft.body["ok"].get<bool>());
}

TEST_F(DataRoutesTest, ServesTheExportedRowsExactlyAsExported) {
  const std::string run_id = ExportClientes();
  auto list = Get("/api/v1/datasets");
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(list.body["datasets"].size(), 1u);
  EXPECT_EQ(list.body["datasets"][0]["name"], "clientes");
  EXPECT_EQ(list.body["datasets"][0]["rows"], 3000);

  auto page = Get("/api/v1/datasets/clientes/rows?offset=2000&limit=2");
  ASSERT_EQ(page.status, 200) << page.raw.body;
  EXPECT_EQ(page.body["total"], 3000);
  ASSERT_EQ(page.body["rows"].size(), 2u);
  // Column order as exported, the CPF with its leading zeros, the decimal comma as written.
  EXPECT_NE(page.raw.body.find(
                R"({"id":"2001","cpf":"00000002001","nome":"cliente 2001","saldo":"3001,5"})"),
            std::string::npos)
      << page.raw.body;
  auto typed = Get("/api/v1/datasets/clientes/rows?offset=2000&limit=1&types=typed");
  ASSERT_EQ(typed.status, 200) << typed.raw.body;
  EXPECT_EQ(typed.body["rows"][0]["id"], 2001);
  EXPECT_EQ(typed.body["rows"][0]["cpf"], "00000002001");
  EXPECT_DOUBLE_EQ(typed.body["rows"][0]["saldo"].get<double>(), 3001.5);

  auto filtered = Get("/api/v1/datasets/clientes/rows?filter=id:ge:2999&select=cpf,id&sort=-id");
  ASSERT_EQ(filtered.status, 200) << filtered.raw.body;
  EXPECT_EQ(filtered.body["total"], 2);
  EXPECT_NE(filtered.raw.body.find(R"({"cpf":"00000003000","id":"3000"})"), std::string::npos)
      << filtered.raw.body;

  auto bad = Get("/api/v1/datasets/clientes/rows?select=nope");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(Get("/api/v1/datasets/nope/rows").status, 404);

  auto artifacts = Get("/api/v1/runs/" + run_id + "/artifacts");
  ASSERT_EQ(artifacts.status, 200);
  ASSERT_EQ(artifacts.body["artifacts"].size(), 1u);
  EXPECT_EQ(artifacts.body["artifacts"][0]["dataset"], "clientes");
}

TEST_F(DataRoutesTest, PagesCarryAnETagAndCompressWhenAsked) {
  ExportClientes();
  auto page = Get("/api/v1/datasets/clientes/rows?limit=500");
  ASSERT_EQ(page.status, 200);
  const auto etag = page.raw.Header("ETag");
  ASSERT_TRUE(etag.has_value());
  auto again = Get("/api/v1/datasets/clientes/rows?limit=500", Caller::Key("viewer"),
                   {"If-None-Match: " + *etag});
  EXPECT_EQ(again.status, 304);
  auto gzipped = Get("/api/v1/datasets/clientes/rows?limit=500", Caller::Key("viewer"),
                     {"Accept-Encoding: gzip"});
  ASSERT_EQ(gzipped.status, 200);
  EXPECT_EQ(gzipped.raw.Header("Content-Encoding").value_or(""), "gzip");
  EXPECT_EQ(Json::parse(Gunzip(gzipped.raw.body)), page.body);
  auto csv = Get("/api/v1/datasets/clientes/rows?limit=1&format=csv");
  ASSERT_EQ(csv.status, 200);
  EXPECT_NE(csv.raw.Header("Content-Type").value_or("").find("text/csv"), std::string::npos);
}

TEST_F(DataRoutesTest, DownloadsTheFileWithRanges) {
  ExportClientes();
  auto whole = Get("/api/v1/datasets/clientes/download");
  ASSERT_EQ(whole.status, 200);
  EXPECT_TRUE(whole.raw.body.starts_with("\xEF\xBB\xBFid;cpf;nome;saldo\r\n"));
  EXPECT_NE(whole.raw.Header("Content-Disposition").value_or("").find("clientes.csv"),
            std::string::npos);
  auto range =
      Get("/api/v1/datasets/clientes/download", Caller::Key("viewer"), {"Range: bytes=3-6"});
  ASSERT_EQ(range.status, 206);
  EXPECT_EQ(range.raw.body, "id;c");
  auto versions = Get("/api/v1/datasets/clientes/versions");
  ASSERT_EQ(versions.status, 200);
  ASSERT_EQ(versions.body["versions"].size(), 1u);
  const std::string version = versions.body["versions"][0]["version"];
  EXPECT_EQ(Get("/api/v1/datasets/clientes/download?version=" + version).raw.body, whole.raw.body);
  EXPECT_EQ(Get("/api/v1/datasets/clientes/download?version=nope").status, 404);
}

TEST_F(DataRoutesTest, AKeyLimitedToOtherDatasetsIsRefused) {
  ExportClientes();
  auto key = Post("/api/v1/api-keys", {{"name", "bi"}, {"datasets", {"vendas"}}},
                  Caller::Session("viewer"));
  ASSERT_EQ(key.status, 201) << key.body.dump();
  const std::vector<std::string> auth{"Authorization: Bearer " +
                                      key.body["key"].get<std::string>()};
  auto list = Get("/api/v1/datasets", Caller::Anonymous(), auth);
  ASSERT_EQ(list.status, 200);
  EXPECT_TRUE(list.body["datasets"].empty());
  EXPECT_EQ(Get("/api/v1/datasets/clientes/rows", Caller::Anonymous(), auth).status, 403);
  EXPECT_EQ(Get("/api/v1/datasets/clientes/download", Caller::Anonymous(), auth).status, 403);
}

TEST_F(DataRoutesTest, DataReadsAreAuditedOncePerWindow) {
  ExportClientes();
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(Get("/api/v1/datasets/clientes/rows?limit=1").status, 200);
  }
  AuditFilter filter;
  filter.action = "dataset.read";
  auto entries = server_.store().Audit().List(filter);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 1u);
  server_.clock().Advance(std::chrono::minutes(16));
  ASSERT_EQ(Get("/api/v1/datasets/clientes/rows?limit=1").status, 200);
  entries = server_.store().Audit().List(filter);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 2u);
  EXPECT_EQ((*entries)[0].details["reads_since_previous"], 4);
}

}  // namespace
}  // namespace batuta::api
