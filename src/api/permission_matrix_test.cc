// Walks every route of the API as every kind of caller and compares the outcome with the
// matrix declared below. A route without a row fails the test, so a new route cannot ship
// without a decision on who may call it.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <tuple>

#include "api/api_router.h"
#include "auth/auth_service.h"
#include "auth/roles.h"
#include "http/server.h"
#include "http_client.h"
#include "store/sqlite/sqlite_store.h"
#include "temp_dir.h"

namespace batuta::api {
namespace {

// Who may call a route. Roles are role names; "session" and "key" say through which
// credential. A caller outside the set gets 401 (anonymous) or 403 (signed in).
struct Access {
  bool anonymous = false;
  std::set<std::string> session_roles;
  std::set<std::string> key_roles;
};

const std::set<std::string> kAllRoles{"viewer", "operator", "approver", "editor", "admin"};
const std::set<std::string> kAdminOnly{"admin"};

const Access kEveryone{true, kAllRoles, kAllRoles};
const Access kSignedIn{false, kAllRoles, kAllRoles};
const Access kOwnAccountBySession{false, kAllRoles, {}};
const Access kAdmins{false, kAdminOnly, kAdminOnly};

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
  };
  return matrix;
}

// A caller: anonymous, or a role through a session or a key.
struct Caller {
  enum class Kind { kAnonymous, kSession, kKey } kind;
  std::string role;
  std::string Describe() const {
    if (kind == Kind::kAnonymous) return "anonymous";
    return (kind == Kind::kSession ? "session of " : "API key of ") + role;
  }
};

class PermissionMatrixTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = SqliteStore::Open(dir_.path() / "batuta.db", clock_);
    ASSERT_TRUE(store.ok()) << store.error().message;
    store_ = std::move(store).value();
    ASSERT_TRUE(store_->Migrate().ok());
    auth::AuthOptions options;
    options.password_hash = {1, 64 << 10};
    auto auth = auth::AuthService::Create(*store_, clock_, options);
    ASSERT_TRUE(auth.ok()) << auth.error().message;
    auth_ = std::move(auth).value();
    for (const auto& role : kAllRoles) {
      UserRecord user;
      user.id = "user-" + role;
      user.username = role;
      user.role = role;
      user.password_hash = "$argon2id$unused";
      user.created_at = user.updated_at = user.password_changed_at = clock_.Now();
      ASSERT_TRUE(store_->Users().Create(user).ok());
      const auto generated = auth::ApiKeyService::Generate();
      ApiKeyRecord key;
      key.id = "key-" + role;
      key.prefix = generated.prefix;
      key.key_hash = generated.hash;
      key.user_id = user.id;
      key.name = role;
      key.role = role;
      key.created_at = clock_.Now();
      ASSERT_TRUE(store_->ApiKeys().Create(key).ok());
      keys_[role] = generated.key;
    }
    router_ = BuildApiRouter({*store_, *auth_, web_, "test"});
    http::ServerOptions options_http;
    options_http.port = 0;
    options_http.io_threads = 1;
    options_http.access_log = false;
    server_ = std::make_unique<http::Server>(options_http, router_);
    ASSERT_TRUE(server_->Listen().ok());
    server_->Start();
  }
  void TearDown() override {
    if (server_) server_->Shutdown(std::chrono::seconds(5));
  }

  // Sends `method path` as `caller`: a fresh session per request (a sign-out must not affect
  // the next request), with its CSRF token and a same-origin Origin on every method.
  testing::HttpReply Call(const std::string& method, const std::string& path,
                          const Caller& caller) {
    // testing::Request sends "Host: 127.0.0.1"; a same-origin browser's Origin matches it.
    std::vector<std::string> headers;
    if (caller.kind == Caller::Kind::kSession) {
      http::Request login;
      login.remote_address = "127.0.0.1";
      auto session = auth_->sessions().Start("user-" + caller.role, login);
      EXPECT_TRUE(session.ok());
      headers.push_back("Cookie: batuta_session=" + session->id);
      headers.push_back("X-CSRF-Token: " + session->csrf_token);
      headers.emplace_back("Origin: http://127.0.0.1");
    } else if (caller.kind == Caller::Kind::kKey) {
      headers.push_back("Authorization: Bearer " + keys_[caller.role]);
    }
    std::string body;
    if (method != "GET" && method != "DELETE") {
      headers.emplace_back("Content-Type: application/json");
      body = "{}";
    }
    return testing::Request(server_->Port(), method, path, body, headers);
  }

  testing::TempDir dir_;
  ManualClock clock_{TimePoint{std::chrono::seconds(1'800'000'000)}};
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<auth::AuthService> auth_;
  assets::StaticFiles web_ = assets::StaticFiles::Embedded();
  http::Router router_;
  std::unique_ptr<http::Server> server_;
  std::map<std::string, std::string> keys_;
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
  for (const auto& route : router_.Routes()) {
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
  std::vector<Caller> callers{{Caller::Kind::kAnonymous, ""}};
  for (const auto& role : kAllRoles) {
    callers.push_back({Caller::Kind::kSession, role});
    callers.push_back({Caller::Kind::kKey, role});
  }
  int checked = 0;
  for (const auto& route : router_.Routes()) {
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
  for (const auto& route : router_.Routes()) {
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
