#include "app/commands.h"

#include <fmt/format.h>
#include <pthread.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "api/api_router.h"
#include "api/security_headers.h"
#include "assets/static_files.h"
#include "auth/audit_trail.h"
#include "auth/auth_service.h"
#include "connections/connection_service.h"
#include "core/clock.h"
#include "core/id.h"
#include "http/server.h"
#include "logs/log_hub.h"
#include "logs/secret_masker.h"
#include "runners/maintenance_backup.h"
#include "runners/maintenance_prune.h"
#include "runners/sql_export.h"
#include "runners/util_wait.h"
#include "runs/engine.h"
#include "runs/hub_log_writer.h"
#include "runs/job_service.h"
#include "runs/job_type.h"
#include "runs/run_service.h"
#include "runs/schedule_service.h"
#include "runs/schedule_ticker.h"
#include "scheduler/schedule_spec.h"
#include "secrets/master_key.h"
#include "storage/stale_temporaries.h"
#include "store/sqlite/sqlite_store.h"

namespace batuta::app {
namespace {

void PrintError(std::string_view message) { fmt::print(stderr, "batuta: {}\n", message); }

// Temporary files older than this are writes that died with their process: an export in
// progress changes its file with every 64 KiB it writes.
constexpr std::chrono::hours kStaleTemporaryAge{24};

// Removes what exports killed mid-write left in the storage folders (a sweep at start-up only:
// this process has no write in progress yet). Problems are logged, never fatal.
void SweepStaleTemporaries(const connections::ConnectionService& connections, const Clock& clock) {
  auto folders = connections.StorageFolders();
  if (!folders.ok()) {
    spdlog::warn("storage: cannot list the storage folders: {}", folders.error().message);
    return;
  }
  for (const auto& [name, folder] : *folders) {
    const storage::SweepOutcome swept =
        storage::RemoveStaleTemporaries(folder, kStaleTemporaryAge, clock.Now());
    if (swept.removed != 0) {
      spdlog::info("storage '{}': removed {} unfinished temporary files ({} bytes)", name,
                   swept.removed, swept.bytes);
    }
    for (const std::string& problem : swept.problems) {
      spdlog::warn("storage '{}': sweeping temporary files: {}", name, problem);
    }
  }
}

Result<std::unique_ptr<Store>> OpenMigratedStore(const Config& config) {
  auto store = SqliteStore::Open(StoreFile(config), SystemClock::Instance());
  if (!store.ok()) return std::move(store).error();
  auto applied = (*store)->Migrate();
  if (!applied.ok()) return std::move(applied).error();
  for (const auto& migration : *applied) {
    spdlog::info("store: applied migration {}", MigrationLabel(migration.version, migration.name));
  }
  return std::unique_ptr<Store>(std::move(store).value());
}

// Writes via a temporary file and rename so a reader never sees a partial port number.
Status WritePortFile(const std::filesystem::path& file, std::uint16_t port) {
  const auto temporary = file.string() + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << port << '\n';
    if (!out) return Error::Validation("port-file", "cannot write " + temporary);
  }
  std::error_code ec;
  std::filesystem::rename(temporary, file, ec);
  if (ec)
    return Error::Validation("port-file",
                             fmt::format("cannot write {}: {}", file.string(), ec.message()));
  return Ok();
}

// Creates the first admin on an empty store: with BATUTA_ADMIN_PASSWORD when set, else with a
// random password printed once on stdout (never to the log).
bool EnsureInitialAdmin(auth::AuthService& auth) {
  const char* given = std::getenv("BATUTA_ADMIN_PASSWORD");
  auto created = auth.users().EnsureInitialAdmin(given == nullptr ? "" : given);
  if (!created.ok()) {
    PrintError("cannot create the first admin: " + created.error().message);
    return false;
  }
  if (!created->has_value()) return true;
  if (given != nullptr && *given != '\0') {
    spdlog::info("auth: created user 'admin' with the password from BATUTA_ADMIN_PASSWORD");
  } else {
    fmt::print(
        "batuta created the user 'admin' with the password: {}\n"
        "  It is shown only this once. Sign in and change it, or run: batuta user "
        "reset-password admin\n",
        **created);
    std::fflush(stdout);
  }
  return true;
}

// Names this process in run leases: unique among processes sharing a store, and readable in
// a run's "worker" field ("host:pid:random", the random part telling restarts apart).
std::string WorkerId() {
  char host[256] = {};
  if (gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
  return fmt::format("{}:{}:{}", host[0] != '\0' ? host : "localhost", getpid(), RandomHex(3));
}

}  // namespace

std::filesystem::path StoreFile(const Config& config) { return config.data_dir / "batuta.db"; }

namespace {

sigset_t StopSignals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  return signals;
}

}  // namespace

void BlockStopSignals() {
  // Taken synchronously by sigwait in Serve, so no signal handler ever runs concurrently
  // with server code.
  const sigset_t signals = StopSignals();
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
}

int Serve(const Config& config) {
  const sigset_t stop_signals = StopSignals();

  auto store = OpenMigratedStore(config);
  if (!store.ok()) {
    PrintError(store.error().message);
    return 1;
  }
  auto web_app = assets::StaticFiles::Embedded();
  if (!config.web_dir.empty()) {
    auto folder = assets::StaticFiles::FromFolder(config.web_dir);
    if (!folder.ok()) {
      PrintError("invalid setting web-dir: " + folder.error().message);
      return 2;
    }
    web_app = std::move(folder).value();
  }

  auto auth = auth::AuthService::Create(**store, SystemClock::Instance());
  if (!auth.ok()) {
    PrintError(auth.error().message);
    return 1;
  }
  if (!EnsureInitialAdmin(**auth)) return 1;
  if (auto pruned = (*auth)->sessions().Prune(); pruned.ok() && *pruned > 0) {
    spdlog::info("auth: removed {} expired sessions", *pruned);
  }

  if (auto zone = scheduler::LocateZone(config.timezone); !zone.ok()) {
    PrintError("invalid setting timezone: " + zone.error().message);
    return 2;
  }

  // The engine. Job types are registered here, before anything reads the registry.
  const Clock& clock = SystemClock::Instance();
  auth::AuditTrail audit(**store, clock);
  runs::JobTypeRegistry job_types;
  job_types.Add(std::make_unique<runners::MaintenancePrune>(**store));
  job_types.Add(std::make_unique<runners::MaintenanceBackup>(**store, config.data_dir));
  job_types.Add(std::make_unique<runners::UtilWait>());
  // Connections: secrets sealed under the master key; files confined to their roots.
  const char* master_key_env = std::getenv("BATUTA_MASTER_KEY");
  auto master_key = secrets::LoadOrCreateMasterKey(
      config.data_dir,
      master_key_env != nullptr ? std::optional<std::string>(master_key_env) : std::nullopt);
  if (!master_key.ok()) {
    PrintError("master key: " + master_key.error().message);
    return 1;
  }
  connections::ConnectionRoots roots;
  roots.sqlite_root = config.sqlite_root.empty() ? config.data_dir / "sqlite" : config.sqlite_root;
  roots.storage_root = config.storage_root.empty() ? config.data_dir : config.storage_root;
  if (config.storage_root.empty()) roots.reserved_folders = {"sqlite", "backups"};
  connections::ConnectionService connections(**store, *master_key, audit, clock, roots);
  if (auto ensured = connections.EnsureDefaultStorage(); !ensured.ok()) {
    PrintError("storage connection 'exports': " + ensured.error().message);
    return 1;
  }
  SweepStaleTemporaries(connections, clock);
  job_types.Add(std::make_unique<runners::SqlExport>(**store, connections, clock, config.timezone));
  logs::SecretMasker masker;
  logs::LogHub log_hub((*store)->RunLogs(), masker, clock);
  runs::HubLogWriter run_logs(log_hub, masker);
  runs::EngineOptions engine_options;
  engine_options.worker_id = WorkerId();
  engine_options.max_parallel_runs = config.max_parallel_runs;
  engine_options.lease = config.run_lease;
  engine_options.heartbeat_interval = config.run_lease / 3;
  runs::Engine engine(**store, run_logs, job_types, clock, engine_options);
  runs::ScheduleTicker ticker(**store, engine, clock);
  runs::JobService jobs(**store, job_types, audit, clock);
  runs::RunService runs(**store, engine, audit, clock);
  runs::ScheduleService schedules(**store, audit, clock, config.timezone);
  jobs.SetChangeListener([&ticker] { ticker.Wake(); });
  schedules.SetChangeListener([&ticker] { ticker.Wake(); });

  const api::ApiDependencies deps{**store,        **auth,      jobs,      runs,
                                  schedules,      log_hub,     job_types, web_app,
                                  BATUTA_VERSION, connections, audit,     clock};
  const http::Router router = api::BuildApiRouter(deps);
  http::ServerOptions options;
  options.listen_address = config.listen;
  options.port = config.port;
  options.io_threads = config.http_threads;
  options.handler_threads = config.handler_threads;
  options.max_body_bytes = config.max_body_bytes;
  options.max_header_bytes = config.max_header_bytes;
  options.request_timeout = config.request_timeout;
  options.idle_timeout = config.idle_timeout;
  // Shorter than the idle timeouts of this server and, at 15 s, of common proxies (60 s), so
  // a quiet run's event stream is never closed as idle.
  options.sse_heartbeat =
      std::min<std::chrono::milliseconds>(std::chrono::seconds(15), config.idle_timeout / 2);
  options.access_log = config.access_log;
  options.default_headers = api::SecurityHeaders(!config.tls_cert.empty());
  options.tls_certificate_file = config.tls_cert;
  options.tls_private_key_file = config.tls_key;
  options.cors_allowed_origins = config.cors_origins;
  options.trusted_proxies = config.trusted_proxies;
  http::Server server(options, router);
  if (auto listening = server.Listen(); !listening.ok()) {
    PrintError(listening.error().message);
    return 1;
  }
  if (!config.port_file.empty()) {
    if (auto written = WritePortFile(config.port_file, server.Port()); !written.ok()) {
      PrintError(written.error().message);
      return 1;
    }
  }
  server.Start();
  engine.Start();
  ticker.Start();
  const std::string host =
      config.listen.find(':') != std::string::npos ? "[" + config.listen + "]" : config.listen;
  // The one line on stdout: scripts and tests read the URL from it (port 0 resolves here).
  fmt::print("batuta listening on {}://{}:{}\n", options.Scheme(), host, server.Port());
  std::fflush(stdout);
  spdlog::info("batuta {} serving {} (store {}, data {})", BATUTA_VERSION,
               fmt::format("{}://{}:{}", options.Scheme(), host, server.Port()), (*store)->Kind(),
               config.data_dir.string());

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  spdlog::info("received {}, stopping: no new connections, finishing requests in flight",
               signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
  // Runs get the grace period to finish before the server stops answering about them.
  ticker.Stop();
  engine.Stop(config.shutdown_grace);
  server.Shutdown(config.shutdown_grace);
  if (auto flushed = log_hub.Shutdown(); !flushed.ok()) {
    spdlog::error("run log lines could not be stored: {}", flushed.error().message);
  }
  spdlog::info("stopped");
  return 0;
}

int Migrate(const Config& config, bool status_only) {
  auto store = SqliteStore::Open(StoreFile(config), SystemClock::Instance());
  if (!store.ok()) {
    PrintError(store.error().message);
    return 1;
  }
  if (!status_only) {
    auto applied = (*store)->Migrate();
    if (!applied.ok()) {
      PrintError(applied.error().message);
      return 1;
    }
    for (const auto& m : *applied) fmt::print("applied {}\n", MigrationLabel(m.version, m.name));
    if (applied->empty()) fmt::print("store is up to date\n");
  }
  auto state = (*store)->MigrationStatus();
  if (!state.ok()) {
    PrintError(state.error().message);
    return 1;
  }
  for (const auto& m : state->applied) {
    fmt::print("  {}  applied {}\n", MigrationLabel(m.version, m.name),
               FormatRfc3339(m.applied_at));
  }
  for (const auto& m : state->pending)
    fmt::print("  {}  pending\n", MigrationLabel(m.version, m.name));
  fmt::print("schema version {} of {}\n", state->applied_version, state->latest_version);
  if (state->problem) {
    PrintError(state->problem->message);
    return 1;
  }
  return 0;
}

}  // namespace batuta::app
