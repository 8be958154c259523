// The web app as a browser gets it from the binary (--web-dir and embedded).
#include <gtest/gtest.h>

#include <fstream>

#include "batuta_process.h"
#include "http_client.h"

namespace batuta::testing {
namespace {

class WebDirTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(web_ / "assets");
    std::ofstream(web_ / "index.html") << "<!doctype html><title>batuta</title><div id=root>";
    std::ofstream(web_ / "assets" / "index-4f3a9c.js") << "console.log('app')";
    std::ofstream(dir_.path() / "secret.txt") << "outside the root";
  }
  TempDir dir_;
  std::filesystem::path web_ = dir_.path() / "web";
};

TEST_F(WebDirTest, ServesFilesWithTypesAndCaching) {
  BatutaServer server(dir_.path() / "data", {"--web-dir", web_.string()});
  const auto index = Request(server.port(), "GET", "/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.Header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(index.Header("Cache-Control"), "no-cache");
  EXPECT_NE(index.body.find("<title>batuta</title>"), std::string::npos);

  const auto script = Request(server.port(), "GET", "/assets/index-4f3a9c.js");
  EXPECT_EQ(script.status, 200);
  EXPECT_EQ(script.Header("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(script.Header("Cache-Control"), "public, max-age=31536000, immutable");

  const auto etag = script.Header("ETag").value_or("");
  const auto again =
      Request(server.port(), "GET", "/assets/index-4f3a9c.js", {}, {"If-None-Match: " + etag});
  EXPECT_EQ(again.status, 304);
}

TEST_F(WebDirTest, ClientRoutesGetIndexButMissingFilesAndApiDoNot) {
  BatutaServer server(dir_.path() / "data", {"--web-dir", web_.string()});
  const auto route = Request(server.port(), "GET", "/runs/01HX/log");
  EXPECT_EQ(route.status, 200);
  EXPECT_NE(route.body.find("<div id=root>"), std::string::npos);
  EXPECT_EQ(Request(server.port(), "GET", "/assets/missing.js").status, 404);
  const auto api = Request(server.port(), "GET", "/api/v1/unknown");
  EXPECT_EQ(api.status, 404);
  EXPECT_EQ(api.Header("Content-Type"), "application/json");
}

TEST_F(WebDirTest, NeverServesOutsideTheRoot) {
  BatutaServer server(dir_.path() / "data", {"--web-dir", web_.string()});
  for (const char* target : {"/../secret.txt", "/%2e%2e/secret.txt", "/assets/..%2f..%2fsecret.txt",
                             "/assets/%2e%2e/%2e%2e/secret.txt", "/..%5csecret.txt"}) {
    const auto reply = Request(server.port(), "GET", target);
    EXPECT_NE(reply.status, 200) << target;
    EXPECT_EQ(reply.body.find("outside the root"), std::string::npos) << target;
  }
  std::filesystem::create_symlink(dir_.path() / "secret.txt", web_ / "link.txt");
  const auto via_link = Request(server.port(), "GET", "/link.txt");
  EXPECT_EQ(via_link.status, 404);
}

TEST(EmbeddedWebAppTest, RootServesTheEmbeddedEntryPage) {
  TempDir dir;
  BatutaServer server(dir.path() / "data");
  const auto index = Request(server.port(), "GET", "/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.Header("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(index.body.find("batuta"), std::string::npos);
  const auto head = Request(server.port(), "HEAD", "/");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
}

}  // namespace
}  // namespace batuta::testing
