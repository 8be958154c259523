#include "http/router.h"

#include <gtest/gtest.h>

namespace batuta::http {
namespace {

Handler Named(const std::string& name) {
  return [name](const Request&) { return Response::Text(200, name); };
}

Request At(Method method, std::string path) {
  Request request;
  request.method = method;
  request.path = std::move(path);
  return request;
}

TEST(RouterTest, MatchesLiteralsAndParameters) {
  Router router;
  router.Add({Method::kGet, "/api/v1/runs", kPublic, Named("list")});
  router.Add({Method::kGet, "/api/v1/runs/{id}", kPublic, Named("get")});
  router.Add({Method::kGet, "/api/v1/runs/{id}/logs", kPublic, Named("logs")});

  auto request = At(Method::kGet, "/api/v1/runs/01HX/logs");
  const auto match = router.Find(request);
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.route->path, "/api/v1/runs/{id}/logs");
  EXPECT_EQ(request.PathParam("id"), "01HX");

  auto list = At(Method::kGet, "/api/v1/runs");
  EXPECT_EQ(router.Find(list).route->path, "/api/v1/runs");
  auto trailing = At(Method::kGet, "/api/v1/runs/");
  EXPECT_EQ(router.Find(trailing).route, nullptr) << "an empty {id} must not match";
}

TEST(RouterTest, ReportsAllowedMethodsForKnownPaths) {
  Router router;
  router.Add({Method::kGet, "/api/v1/jobs", kPublic, Named("list")});
  router.Add({Method::kPost, "/api/v1/jobs", kPublic, Named("create")});
  auto request = At(Method::kDelete, "/api/v1/jobs");
  const auto match = router.Find(request);
  EXPECT_EQ(match.route, nullptr);
  EXPECT_TRUE(match.path_exists);
  EXPECT_EQ(match.allow, "GET, HEAD, POST");

  auto unknown = At(Method::kGet, "/api/v1/nothing");
  EXPECT_FALSE(router.Find(unknown).path_exists);
}

TEST(RouterTest, ListsEveryMethodOfAPath) {
  Router router;
  router.Add({Method::kGet, "/api/v1/jobs/{id}", kPublic, Named("get")});
  router.Add({Method::kDelete, "/api/v1/jobs/{id}", kPublic, Named("delete")});
  EXPECT_EQ(router.AllowedMethods("/api/v1/jobs/7"), "GET, HEAD, DELETE");
  EXPECT_EQ(router.AllowedMethods("/api/v1/jobs"), "");
}

TEST(RouterTest, HeadUsesGetRoutes) {
  Router router;
  router.Add({Method::kGet, "/healthz", kPublic, Named("health")});
  auto request = At(Method::kHead, "/healthz");
  EXPECT_NE(router.Find(request).route, nullptr);
}

TEST(RouterTest, SplitPath) {
  EXPECT_EQ(SplitPath("/a/{b}/c"), (std::vector<std::string_view>{"a", "{b}", "c"}));
  EXPECT_EQ(SplitPath("/"), (std::vector<std::string_view>{""}));
}

}  // namespace
}  // namespace batuta::http
