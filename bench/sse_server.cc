// `batuta serve` for the SSE fan-out benchmark at a log rate the shipped job types cannot
// produce: util.wait logs at most 10 lines/s (it clamps log_every_seconds to >= 0.1), so this
// program wires the same store, auth, engine, log hub, API router and HTTP server as
// app/commands.cc Serve (defaults of `batuta serve`, no TLS, no web app) and adds one job
// type, bench.log:
//
//   {"type": "bench.log", "config": {"seconds": 30, "lines_per_second": 200}}
//
// logs line i at start + i / lines_per_second (paced on real time, not drifting) until
// `seconds` have passed, then succeeds. Everything else is the real server code path: the
// HTTP request, authentication by API key, the events route, LogHub fan-out, SseStream.
//
//   sse_server --data-dir DIR --port-file FILE     (127.0.0.1, port 0; stops on SIGINT/TERM)
//
// BATUTA_ADMIN_PASSWORD creates the admin, as for `batuta serve`.
#include <fmt/format.h>
#include <pthread.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdlib>
#include <fstream>

#include "api/api_router.h"
#include "api/security_headers.h"
#include "assets/static_files.h"
#include "auth/audit_trail.h"
#include "auth/auth_service.h"
#include "core/clock.h"
#include "http/server.h"
#include "logs/log_hub.h"
#include "logs/secret_masker.h"
#include "runners/util_wait.h"
#include "runs/engine.h"
#include "runs/hub_log_writer.h"
#include "runs/job_service.h"
#include "runs/run_service.h"
#include "runs/schedule_service.h"
#include "runs/schedule_ticker.h"
#include "store/sqlite/sqlite_store.h"

namespace batuta::bench {
namespace {

// Logs at a fixed rate for a while, then succeeds. Stops at once when cancelled.
class BenchLog final : public runs::JobType {
 public:
  std::string_view Name() const override { return "bench.log"; }
  std::string_view Description() const override { return "logs lines_per_second for seconds"; }
  Status ValidateConfig(const nlohmann::json& config) const override {
    for (const char* field : {"seconds", "lines_per_second"}) {
      if (!config.contains(field) || !config[field].is_number() || config[field].get<double>() <= 0)
        return Error::Validation(fmt::format("config.{}", field), "must be a positive number");
    }
    return Ok();
  }
  runs::RunOutcome Run(runs::RunContext& context) const override {
    const double seconds = context.spec().config["seconds"].get<double>();
    const double rate = context.spec().config["lines_per_second"].get<double>();
    const auto lines = static_cast<std::int64_t>(seconds * rate);
    const auto start = std::chrono::steady_clock::now();
    for (std::int64_t i = 1; i <= lines; ++i) {
      const auto due = start + std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                   std::chrono::duration<double>(static_cast<double>(i) / rate));
      const auto wait = std::chrono::ceil<std::chrono::milliseconds>(
          due - std::chrono::steady_clock::now());
      if (wait.count() > 0 && context.cancel().WaitFor(wait)) {
        return runs::RunOutcome::Failure("cancelled");
      }
      context.Log("info", fmt::format("line {} of {}: the quick brown fox jumps over the lazy dog",
                                      i, lines));
    }
    return runs::RunOutcome::Success({{"lines", lines}});
  }
};

int Serve(const std::filesystem::path& data_dir, const std::filesystem::path& port_file) {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  const Clock& clock = SystemClock::Instance();
  auto opened = SqliteStore::Open(data_dir / "batuta.db", clock);
  if (!opened.ok() || !(*opened)->Migrate().ok()) {
    fmt::print(stderr, "cannot open the store in {}\n", data_dir.string());
    return 1;
  }
  auto store = std::move(opened).value();
  auto auth = auth::AuthService::Create(*store, clock);
  if (!auth.ok()) {
    fmt::print(stderr, "{}\n", auth.error().message);
    return 1;
  }
  const char* password = std::getenv("BATUTA_ADMIN_PASSWORD");
  if (password == nullptr || !(*auth)->users().EnsureInitialAdmin(password).ok()) {
    fmt::print(stderr, "set BATUTA_ADMIN_PASSWORD (a strong one) to create the admin\n");
    return 1;
  }
  auth::AuditTrail audit(*store, clock);
  runs::JobTypeRegistry job_types;
  job_types.Add(std::make_unique<runners::UtilWait>());
  job_types.Add(std::make_unique<BenchLog>());
  logs::SecretMasker masker;
  logs::LogHub log_hub(store->RunLogs(), masker, clock);
  runs::HubLogWriter run_logs(log_hub, masker);
  runs::EngineOptions engine_options;
  engine_options.worker_id = "sse-bench";
  runs::Engine engine(*store, run_logs, job_types, clock, engine_options);
  runs::ScheduleTicker ticker(*store, engine, clock);
  runs::JobService jobs(*store, job_types, audit, clock);
  runs::RunService runs(*store, engine, audit, clock);
  runs::ScheduleService schedules(*store, audit, clock, "UTC");
  const auto web_app = assets::StaticFiles::Embedded();
  const api::ApiDependencies deps{*store,   **auth,    jobs,    runs,         schedules,
                                  log_hub, job_types, web_app, "sse-bench"};
  const http::Router router = api::BuildApiRouter(deps);
  http::ServerOptions options;
  options.listen_address = "127.0.0.1";
  options.port = 0;
  options.default_headers = api::SecurityHeaders(false);
  http::Server server(options, router);
  if (auto listening = server.Listen(); !listening.ok()) {
    fmt::print(stderr, "{}\n", listening.error().message);
    return 1;
  }
  {
    const auto temporary = port_file.string() + ".tmp";
    std::ofstream(temporary) << server.Port() << "\n";
    std::filesystem::rename(temporary, port_file);
  }
  server.Start();
  engine.Start();
  ticker.Start();
  fmt::print("sse_server listening on http://127.0.0.1:{}\n", server.Port());
  std::fflush(stdout);
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  ticker.Stop();
  engine.Stop(std::chrono::seconds(1));
  server.Shutdown(std::chrono::seconds(1));
  (void)log_hub.Shutdown();
  return 0;
}

}  // namespace
}  // namespace batuta::bench

int main(int argc, char** argv) {
  std::string data_dir;
  std::string port_file;
  CLI::App app{"batuta's server with a bench.log job type, for bench/sse_bench.sh"};
  app.add_option("--data-dir", data_dir)->required();
  app.add_option("--port-file", port_file)->required();
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);
  return batuta::bench::Serve(data_dir, port_file);
}
