#pragma once

// Shared by the API tests: the complete API (BuildApiRouter) served by a real http::Server on
// 127.0.0.1, port 0, over a fresh migrated SQLite store, with one user and one API key per
// role, and callers that reach it through either credential.

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "api/api_router.h"
#include "assets/static_files.h"
#include "auth/audit_trail.h"
#include "auth/auth_service.h"
#include "connections/connection_service.h"
#include "core/clock.h"
#include "http/server.h"
#include "http_client.h"
#include "logs/log_hub.h"
#include "logs/secret_masker.h"
#include "runs/engine.h"
#include "runs/hub_log_writer.h"
#include "runs/job_service.h"
#include "runs/job_type.h"
#include "runs/run_service.h"
#include "runs/schedule_service.h"
#include "secrets/master_key.h"
#include "store/sqlite/sqlite_store.h"
#include "temp_dir.h"

namespace batuta::api::testing {

// The names of the five roles (auth/roles.h).
const std::set<std::string>& AllRoleNames();

// Who sends a request: nobody, or the user of `role` through a session or an API key.
struct Caller {
  enum class Kind { kAnonymous, kSession, kKey } kind = Kind::kAnonymous;
  std::string role;

  static Caller Anonymous() { return {Kind::kAnonymous, ""}; }
  static Caller Session(std::string role) { return {Kind::kSession, std::move(role)}; }
  static Caller Key(std::string role) { return {Kind::kKey, std::move(role)}; }
  std::string Describe() const;
};

// The server and everything behind it. The engine is not started: a test that needs a run
// to execute calls engine().Tick() and waits with engine().WaitIdle().
class ApiTestServer {
 public:
  ApiTestServer();
  ~ApiTestServer();
  ApiTestServer(const ApiTestServer&) = delete;
  ApiTestServer& operator=(const ApiTestServer&) = delete;

  // Job types must be added before Start; Start adds sql_export.
  runs::JobTypeRegistry& job_types() { return job_types_; }
  // Opens the store, creates the users ("user-<role>", username <role>) and keys, builds the
  // router and starts serving. Fails the current test (fatally) when anything goes wrong.
  void Start();

  // Sends one request as `caller` on a fresh connection: a fresh session per request (a
  // sign-out must not affect the next one) with its CSRF token and a same-origin Origin, or
  // the caller's API key. `extra_headers` are full header lines.
  batuta::testing::HttpReply Send(std::string_view method, std::string_view target,
                                  const Caller& caller, std::string_view body = {},
                                  std::vector<std::string> extra_headers = {});
  // Send with `json` as an application/json body.
  batuta::testing::HttpReply SendJson(std::string_view method, std::string_view target,
                                      const Caller& caller, std::string_view json);

  ManualClock& clock() { return clock_; }
  SqliteStore& store() { return *store_; }
  auth::AuthService& auth() { return *auth_; }
  runs::Engine& engine() { return *engine_; }
  logs::LogHub& log_hub() { return *log_hub_; }
  connections::ConnectionService& connections() { return *connections_; }
  // The server's data directory: SQLite connection files go in sqlite/, exports in exports/.
  const std::filesystem::path& data_dir() const { return dir_.path(); }
  const http::Router& router() const { return router_; }
  std::uint16_t port() const { return server_->Port(); }

 private:
  batuta::testing::TempDir dir_;
  ManualClock clock_{TimePoint{std::chrono::seconds(1'800'000'000)}};
  runs::JobTypeRegistry job_types_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<auth::AuthService> auth_;
  std::unique_ptr<auth::AuditTrail> audit_;
  logs::SecretMasker masker_;
  std::unique_ptr<logs::LogHub> log_hub_;
  std::unique_ptr<runs::HubLogWriter> run_logs_;
  std::unique_ptr<runs::Engine> engine_;
  std::unique_ptr<runs::JobService> jobs_;
  std::unique_ptr<runs::RunService> runs_;
  std::unique_ptr<runs::ScheduleService> schedules_;
  secrets::MasterKey key_ =
      std::move(secrets::MasterKey::FromBytes(std::string(secrets::MasterKey::kSize, 'k'))).value();
  std::unique_ptr<connections::ConnectionService> connections_;
  assets::StaticFiles web_ = assets::StaticFiles::Embedded();
  http::Router router_;
  std::unique_ptr<http::Server> server_;
  std::map<std::string, std::string> keys_;  // role -> API key
};

}  // namespace batuta::api::testing
