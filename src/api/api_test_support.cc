#include "api/api_test_support.h"

#include <gtest/gtest.h>

#include "runners/sql_export.h"

namespace batuta::api::testing {

const std::set<std::string>& AllRoleNames() {
  static const std::set<std::string> names{"viewer", "operator", "approver", "editor", "admin"};
  return names;
}

std::string Caller::Describe() const {
  if (kind == Kind::kAnonymous) return "anonymous";
  return (kind == Kind::kSession ? "session of " : "API key of ") + role;
}

ApiTestServer::ApiTestServer() = default;

ApiTestServer::~ApiTestServer() {
  if (server_) server_->Shutdown(std::chrono::seconds(5));
  if (engine_) engine_->Stop(std::chrono::milliseconds(0));
  if (log_hub_) (void)log_hub_->Shutdown();
}

void ApiTestServer::Start() {
  auto store = SqliteStore::Open(dir_.path() / "batuta.db", clock_);
  ASSERT_TRUE(store.ok()) << store.error().message;
  store_ = std::move(store).value();
  ASSERT_TRUE(store_->Migrate().ok());
  auth::AuthOptions options;
  options.password_hash = {1, 64 << 10};  // cheap: these tests do not measure hashing
  auto auth = auth::AuthService::Create(*store_, clock_, options);
  ASSERT_TRUE(auth.ok()) << auth.error().message;
  auth_ = std::move(auth).value();
  for (const auto& role : AllRoleNames()) {
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

  audit_ = std::make_unique<auth::AuditTrail>(*store_, clock_);
  connections_ = std::make_unique<connections::ConnectionService>(
      *store_, key_, *audit_, clock_,
      connections::ConnectionRoots{dir_.path() / "sqlite", dir_.path(), {"sqlite"}});
  ASSERT_TRUE(connections_->EnsureDefaultStorage().ok());
  job_types_.Add(std::make_unique<runners::SqlExport>(*store_, *connections_, clock_, "UTC"));
  log_hub_ = std::make_unique<logs::LogHub>(store_->RunLogs(), masker_, clock_);
  run_logs_ = std::make_unique<runs::HubLogWriter>(*log_hub_, masker_);
  runs::EngineOptions engine_options;
  engine_options.worker_id = "api-test";
  engine_options.jitter_seed = 1;
  engine_ = std::make_unique<runs::Engine>(*store_, *run_logs_, job_types_, clock_, engine_options);
  jobs_ = std::make_unique<runs::JobService>(*store_, job_types_, *audit_, clock_);
  runs_ = std::make_unique<runs::RunService>(*store_, *engine_, *audit_, clock_);
  schedules_ = std::make_unique<runs::ScheduleService>(*store_, *audit_, clock_, "UTC");

  router_ = BuildApiRouter({*store_, *auth_, *jobs_, *runs_, *schedules_, *log_hub_, job_types_,
                            web_, "test", *connections_, *audit_, clock_});
  http::ServerOptions server_options;
  server_options.port = 0;
  server_options.io_threads = 1;
  server_options.access_log = false;
  server_ = std::make_unique<http::Server>(server_options, router_);
  ASSERT_TRUE(server_->Listen().ok());
  server_->Start();
}

batuta::testing::HttpReply ApiTestServer::Send(std::string_view method, std::string_view target,
                                               const Caller& caller, std::string_view body,
                                               std::vector<std::string> extra_headers) {
  std::vector<std::string> headers;
  if (caller.kind == Caller::Kind::kSession) {
    http::Request login;
    login.remote_address = "127.0.0.1";
    auto session = auth_->sessions().Start("user-" + caller.role, login);
    EXPECT_TRUE(session.ok());
    if (session.ok()) {
      headers.push_back("Cookie: batuta_session=" + session->id);
      headers.push_back("X-CSRF-Token: " + session->csrf_token);
    }
    // batuta::testing::Request sends "Host: 127.0.0.1"; a same-origin browser's Origin matches.
    headers.emplace_back("Origin: http://127.0.0.1");
  } else if (caller.kind == Caller::Kind::kKey) {
    headers.push_back("Authorization: Bearer " + keys_[caller.role]);
  }
  for (auto& header : extra_headers) headers.push_back(std::move(header));
  return batuta::testing::Request(server_->Port(), method, target, body, headers);
}

batuta::testing::HttpReply ApiTestServer::SendJson(std::string_view method, std::string_view target,
                                                   const Caller& caller, std::string_view json) {
  return Send(method, target, caller, json, {"Content-Type: application/json"});
}

}  // namespace batuta::api::testing
