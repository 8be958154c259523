// The route table and api/openapi.yaml must describe the same API, permissions included.
#include "api/api_router.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "api/api_test_support.h"
#include "api/openapi_spec.h"

namespace batuta::api {
namespace {

using Row = std::tuple<std::string, std::string, std::string>;  // method, path, permission

std::string Lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

class ApiRouterTest : public ::testing::Test {
 protected:
  void SetUp() override { server_.Start(); }
  const http::Router& router() const { return server_.router(); }

  testing::ApiTestServer server_;
};

TEST_F(ApiRouterTest, RouteTableMatchesTheOpenApiSpec) {
  std::set<Row> from_routes;
  for (const auto& route : router().Routes()) {
    from_routes.emplace(Lower(http::MethodName(route.method)), route.path,
                        std::string(route.permission.name));
  }
  const auto spec = nlohmann::json::parse(OpenApiJson());
  std::set<Row> from_spec;
  for (const auto& [path, operations] : spec.at("paths").items()) {
    for (const auto& [method, operation] : operations.items()) {
      if (method == "parameters" || method.starts_with("x-")) continue;
      ASSERT_TRUE(operation.contains("x-permission"))
          << method << " " << path << " declares no x-permission";
      ASSERT_TRUE(operation.contains("operationId")) << method << " " << path;
      from_spec.emplace(method, path, operation["x-permission"].get<std::string>());
    }
  }
  for (const auto& row : from_routes) {
    EXPECT_TRUE(from_spec.count(row)) << "route not in api/openapi.yaml: " << std::get<0>(row)
                                      << " " << std::get<1>(row) << " (" << std::get<2>(row) << ")";
  }
  for (const auto& row : from_spec) {
    EXPECT_TRUE(from_routes.count(row))
        << "api/openapi.yaml lists a route the server lacks: " << std::get<0>(row) << " "
        << std::get<1>(row) << " (" << std::get<2>(row) << ")";
  }
}

TEST_F(ApiRouterTest, ReadinessReflectsTheStore) {
  http::Request request;
  request.path = "/readyz";
  const auto match = router().Find(request);
  ASSERT_NE(match.route, nullptr);
  const auto response = std::get<http::Handler>(match.route->handler)(request);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(nlohmann::json::parse(response.body)["store"], "sqlite");
}

}  // namespace
}  // namespace batuta::api
