// Walks every route of the API as every kind of caller and compares the outcome with the
// matrix declared below. A route without a row fails the test, so a new route cannot ship
// without a decision on who may call it.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include "api/api_test_support.h"
#include "auth/roles.h"

namespace batuta::api {
namespace {

using testing::AllRoleNames;
using testing::Caller;

// Who may call a route. Roles are role names; "session" and "key" say through which
// credential. A caller outside the set gets 401 (anonymous) or 403 (signed in).
struct Access {
  bool anonymous = false;
  std::set<std::string> session_roles;
  std::set<std::string> key_roles;
};

const std::set<std::string> kAllRoles = AllRoleNames();
const std::set<std::string> kAdminOnly{"admin"};
const std::set<std::string> kTriggerRoles{"operator", "approver", "editor", "admin"};
const std::set<std::string> kEditRoles{"editor", "admin"};

const Access kEveryone{true, kAllRoles, kAllRoles};
const Access kSignedIn{false, kAllRoles, kAllRoles};
const Access kOwnAccountBySession{false, kAllRoles, {}};
const Access kAdmins{false, kAdminOnly, kAdminOnly};
// Engine routes: viewers read, operators trigger, editors write (auth/roles.cc).
const Access kReaders{false, kAllRoles, kAllRoles};
const Access kTriggerers{false, kTriggerRoles, kTriggerRoles};
const Access kEditors{false, kEditRoles, kEditRoles};
// Connections: operators read them (never secrets), editors write and test them.
const Access kConnectionReaders{false, kTriggerRoles, kTriggerRoles};

using RouteKey = std::pair<std::string, std::string>;  // method, path

const std::map<RouteKey, Access>& Matrix() {
  static const std::map<RouteKey, Access> matrix{
      {{"GET", "/healthz"}, kEveryone},
      {{"GET", "/readyz"}, kEveryone},
      {{"GET", "/api/v1/version"}, kEveryone},
      {{"GET", "/api/v1/openapi.json"}, kEveryone},
      {{"POST", "/api/v1/auth/login"}, kEveryone},
      {{"POST", "/api/v1/auth/logout"}, kOwnAccountBySession},
      {{"GET", "/api/v1/auth/me"}, kSignedIn},
      {{"POST", "/api/v1/auth/password"}, kOwnAccountBySession},
      {{"GET", "/api/v1/roles"}, kSignedIn},
      {{"GET", "/api/v1/users"}, kAdmins},
      {{"POST", "/api/v1/users"}, kAdmins},
      {{"GET", "/api/v1/users/{id}"}, kAdmins},
      {{"PATCH", "/api/v1/users/{id}"}, kAdmins},
      {{"POST", "/api/v1/users/{id}/password"}, kAdmins},
      {{"GET", "/api/v1/api-keys"}, kOwnAccountBySession},
      {{"POST", "/api/v1/api-keys"}, kOwnAccountBySession},
      {{"DELETE", "/api/v1/api-keys/{id}"}, kOwnAccountBySession},
      {{"GET", "/api/v1/audit"}, kAdmins},
      {{"GET", "/api/v1/jobs"}, kReaders},
      {{"POST", "/api/v1/jobs"}, kEditors},
      {{"GET", "/api/v1/jobs/{id}"}, kReaders},
      {{"PUT", "/api/v1/jobs/{id}"}, kEditors},
      {{"DELETE", "/api/v1/jobs/{id}"}, kEditors},
      {{"POST", "/api/v1/jobs/{id}/enable"}, kEditors},
      {{"POST", "/api/v1/jobs/{id}/disable"}, kEditors},
      {{"GET", "/api/v1/jobs/{id}/versions"}, kReaders},
      {{"GET", "/api/v1/jobs/{id}/versions/{version}"}, kReaders},
      {{"POST", "/api/v1/jobs/{id}/runs"}, kTriggerers},
      {{"GET", "/api/v1/job-types"}, kReaders},
      {{"GET", "/api/v1/jobs/{id}/schedules"}, kReaders},
      {{"POST", "/api/v1/jobs/{id}/schedules"}, kEditors},
      {{"GET", "/api/v1/schedules/{id}"}, kReaders},
      {{"PUT", "/api/v1/schedules/{id}"}, kEditors},
      {{"DELETE", "/api/v1/schedules/{id}"}, kEditors},
      {{"GET", "/api/v1/schedules/{id}/fires"}, kReaders},
      {{"POST", "/api/v1/schedules/preview"}, kReaders},
      {{"GET", "/api/v1/runs/{id}/events"}, kReaders},
      {{"GET", "/api/v1/runs"}, kReaders},
      {{"GET", "/api/v1/overview"}, kReaders},
      {{"GET", "/api/v1/runs/{id}"}, kReaders},
      {{"GET", "/api/v1/runs/{id}/attempts"}, kReaders},
      {{"GET", "/api/v1/runs/{id}/logs"}, kReaders},
      {{"POST", "/api/v1/runs/{id}/cancel"}, kTriggerers},
      {{"POST", "/api/v1/runs/{id}/rerun"}, kTriggerers},
      {{"GET", "/api/v1/runs/{id}/artifacts"}, kReaders},
      {{"GET", "/api/v1/artifacts/{id}/download"}, kReaders},
      {{"GET", "/api/v1/connection-kinds"}, kConnectionReaders},
      {{"GET", "/api/v1/connections"}, kConnectionReaders},
      {{"POST", "/api/v1/connections"}, kEditors},
      {{"POST", "/api/v1/connections/test"}, kEditors},
      {{"GET", "/api/v1/connections/{id}"}, kConnectionReaders},
      {{"PUT", "/api/v1/connections/{id}"}, kEditors},
      {{"DELETE", "/api/v1/connections/{id}"}, kEditors},
      {{"POST", "/api/v1/connections/{id}/test"}, kEditors},
      {{"GET", "/api/v1/datasets"}, kReaders},
      {{"GET", "/api/v1/datasets/{name}"}, kReaders},
      {{"GET", "/api/v1/datasets/{name}/versions"}, kReaders},
      {{"GET", "/api/v1/datasets/{name}/rows"}, kReaders},
      {{"GET", "/api/v1/datasets/{name}/download"}, kReaders},
  };
  return matrix;
}

class PermissionMatrixTest : public ::testing::Test {
 protected:
  void SetUp() override { server_.Start(); }

  // Unsafe methods carry an empty JSON object: the permission check comes before the body is
  // read, and an allowed caller must get a 4xx for it, never a 5xx.
  batuta::testing::HttpReply Call(const std::string& method, const std::string& path,
                                  const Caller& caller) {
    if (method == "GET" || method == "DELETE") return server_.Send(method, path, caller);
    return server_.SendJson(method, path, caller, "{}");
  }
  const http::Router& router() const { return server_.router(); }

  testing::ApiTestServer server_;
};

std::string ConcretePath(std::string path) {
  // Any id: the permission check comes before the handler looks anything up.
  for (auto at = path.find('{'); at != std::string::npos; at = path.find('{')) {
    path.replace(at, path.find('}', at) - at + 1, "01ZZZZZZZZZZZZZZZZZZZZZZZZ");
  }
  return path;
}

TEST_F(PermissionMatrixTest, EveryRouteHasARowAndEveryRowARoute) {
  std::set<RouteKey> routes;
  for (const auto& route : router().Routes()) {
    const RouteKey key{std::string(http::MethodName(route.method)), route.path};
    routes.insert(key);
    EXPECT_TRUE(Matrix().count(key))
        << key.first << " " << key.second << " has no row in the permission matrix";
  }
  for (const auto& [key, access] : Matrix()) {
    EXPECT_TRUE(routes.count(key)) << "the matrix lists " << key.first << " " << key.second
                                   << ", which the server does not have";
  }
}

TEST_F(PermissionMatrixTest, EveryCallerGetsExactlyTheAccessTheMatrixDeclares) {
  std::vector<Caller> callers{Caller::Anonymous()};
  for (const auto& role : kAllRoles) {
    callers.push_back(Caller::Session(role));
    callers.push_back(Caller::Key(role));
  }
  int checked = 0;
  for (const auto& route : router().Routes()) {
    const std::string method(http::MethodName(route.method));
    const auto row = Matrix().find({method, route.path});
    if (row == Matrix().end()) continue;  // reported by the test above
    const Access& access = row->second;
    for (const auto& caller : callers) {
      SCOPED_TRACE(method + " " + route.path + " as " + caller.Describe());
      bool allowed = false;
      switch (caller.kind) {
        case Caller::Kind::kAnonymous:
          allowed = access.anonymous;
          break;
        case Caller::Kind::kSession:
          allowed = access.session_roles.count(caller.role) > 0;
          break;
        case Caller::Kind::kKey:
          allowed = access.key_roles.count(caller.role) > 0;
          break;
      }
      const auto reply = Call(method, ConcretePath(route.path), caller);
      if (allowed) {
        EXPECT_NE(reply.status, 401) << reply.body;
        EXPECT_NE(reply.status, 403) << reply.body;
        EXPECT_LT(reply.status, 500) << reply.body;
      } else if (caller.kind == Caller::Kind::kAnonymous) {
        EXPECT_EQ(reply.status, 401) << reply.body;
      } else {
        EXPECT_EQ(reply.status, 403) << reply.body;
        EXPECT_NE(reply.body.find("permission_denied"), std::string::npos) << reply.body;
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, static_cast<int>(Matrix().size() * 11));
}

TEST_F(PermissionMatrixTest, TheMatrixAgreesWithTheRoleTable) {
  // The declared matrix is a second, independent statement of the rules: check it against
  // the permissions the routes name, so the two cannot drift apart silently.
  for (const auto& route : router().Routes()) {
    const auto row = Matrix().find({std::string(http::MethodName(route.method)), route.path});
    if (row == Matrix().end()) continue;
    for (const auto& role : kAllRoles) {
      const auto parsed = auth::ParseRole(role);
      const bool grants =
          route.permission == http::kPublic || auth::RoleGrants(*parsed, route.permission.name);
      EXPECT_EQ(row->second.session_roles.count(role) > 0, grants) << route.path << " for " << role;
    }
  }
}

}  // namespace
}  // namespace batuta::api
