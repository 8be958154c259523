#include "assets/static_files.h"

#include <gtest/gtest.h>

#include <fstream>

#include "assets/embedded_assets.h"

namespace batuta::assets {
namespace {

http::Request Get(std::string path) {
  http::Request request;
  request.path = std::move(path);
  return request;
}

TEST(StaticFilesTest, SafePathsAreOnlyPlainSegments) {
  EXPECT_TRUE(IsSafeAssetPath("/index.html"));
  EXPECT_TRUE(IsSafeAssetPath("/assets/index-abc.js"));
  EXPECT_TRUE(IsSafeAssetPath("/runs/01HX"));
  EXPECT_FALSE(IsSafeAssetPath("/../etc/passwd"));
  EXPECT_FALSE(IsSafeAssetPath("/assets/../../x"));
  EXPECT_FALSE(IsSafeAssetPath("/./x"));
  EXPECT_FALSE(IsSafeAssetPath("//etc/passwd"));
  EXPECT_FALSE(IsSafeAssetPath("/a\\..\\b"));
  EXPECT_FALSE(IsSafeAssetPath("relative"));
  EXPECT_FALSE(IsSafeAssetPath(std::string("/a\0b", 4)));
}

TEST(StaticFilesTest, ContentTypes) {
  EXPECT_EQ(ContentTypeFor("/a.html"), "text/html; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("/a.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("/a.css"), "text/css; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("/a.svg"), "image/svg+xml");
  EXPECT_EQ(ContentTypeFor("/a.woff2"), "font/woff2");
  EXPECT_EQ(ContentTypeFor("/a.bin"), "application/octet-stream");
}

TEST(StaticFilesTest, FolderMissingIsAnError) {
  EXPECT_FALSE(StaticFiles::FromFolder("/nonexistent/web").ok());
}

TEST(StaticFilesTest, EmbeddedServesAnEntryPageForClientRoutes) {
  const auto files = StaticFiles::Embedded();
  const auto response = files.Serve(Get("/jobs/new"));
  EXPECT_EQ(response.status, 200);
  EXPECT_NE(response.body.find("batuta"), std::string::npos);
  EXPECT_EQ(files.Serve(Get("/api/v1/x")).status, 404);
  EXPECT_EQ(files.Serve(Get("/nothing-here.js")).status, 404);
}

TEST(StaticFilesTest, EmbeddedAssetsHaveEtagsAndPaths) {
  for (const auto& asset : EmbeddedAssets()) {
    EXPECT_EQ(asset.path.front(), '/');
    EXPECT_TRUE(IsSafeAssetPath(asset.path)) << asset.path;
    EXPECT_EQ(asset.etag.front(), '"');
  }
}

}  // namespace
}  // namespace batuta::assets
