// Schedule lateness with many enabled schedules: --schedules jobs, each with one 6-field cron
// schedule "S * * * * *" (second S = i mod 60, UTC), so about schedules/60 fires come due at
// every second of real time. The real ScheduleTicker and Engine run on SystemClock over a
// real SqliteStore in a temp dir, wired as `batuta serve` wires them (app/commands.cc), with
// a trivial job type so the fired runs also execute and compete for the store's writer, as
// they would in a server.
//
// After --seconds of real time the ticker stops, and every run the schedules queued is read
// back from the store. For each run whose scheduled_for lies in the measured window (after a
// --warmup), it reports
//   queued lateness   queued_at - scheduled_for  (queued_at is the `now` of the ticker pass
//                     that fired it, so it leaves out the time that pass took to reach it)
//   started lateness  started_at - scheduled_for (when the engine had claimed it: includes
//                     the whole ticker pass, the commit, the engine's wake-up and claim)
// and the fires expected in the window that produced no run (skipped or never fired).
//
//   schedule_bench [--schedules 10000] [--seconds 75] [--warmup 5] [--parallel 8]
//
// Stores times with millisecond precision, so lateness has a resolution of 1 ms.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <thread>

#include "auth/audit_trail.h"
#include "bench/bench_support.h"
#include "bench/trivial_job_type.h"
#include "logs/log_hub.h"
#include "logs/secret_masker.h"
#include "runs/engine.h"
#include "runs/hub_log_writer.h"
#include "runs/job_service.h"
#include "runs/schedule_service.h"
#include "runs/schedule_ticker.h"
#include "store/sqlite/sqlite_store.h"

namespace batuta::bench {
namespace {

using Steady = std::chrono::steady_clock;

struct Options {
  int schedules = 10'000;
  int seconds = 75;
  int warmup = 5;
  int parallel = 8;
};

std::string Ms(double value) { return fmt::format("{:.0f} ms", value); }

int Main(const Options& options) {
  TempDir dir;
  SystemClock& clock = SystemClock::Instance();
  auto opened = SqliteStore::Open(dir.path() / "batuta.db", clock);
  if (!opened.ok() || !(*opened)->Migrate().ok()) {
    fmt::print(stderr, "cannot open the store\n");
    return 1;
  }
  auto store = std::move(opened).value();
  auth::AuditTrail audit(*store, clock);
  runs::JobTypeRegistry types;
  types.Add(std::make_unique<TrivialJobType>("hello from a scheduled run"));
  logs::SecretMasker masker;
  logs::LogHub hub(store->RunLogs(), masker, clock);
  runs::HubLogWriter logs(hub, masker);
  runs::EngineOptions engine_options;
  engine_options.worker_id = "bench-worker";
  engine_options.max_parallel_runs = options.parallel;
  runs::Engine engine(*store, logs, types, clock, engine_options);
  runs::ScheduleTicker ticker(*store, engine, clock);
  runs::JobService jobs(*store, types, audit, clock);
  runs::ScheduleService schedules(*store, audit, clock, "UTC");

  const auto actor = auth::Actor::System("bench");
  const auto create_start = Steady::now();
  for (int i = 0; i < options.schedules; ++i) {
    auto job = jobs.Create({{"name", fmt::format("every-minute-{}", i)}, {"type", "bench.trivial"}},
                           true, actor);
    if (!job.ok()) {
      fmt::print(stderr, "cannot create a job: {}\n", job.error().message);
      return 1;
    }
    auto schedule = schedules.Create(
        job->id, {{"cron", fmt::format("{} * * * * *", i % 60)}, {"timezone", "UTC"}}, actor);
    if (!schedule.ok()) {
      fmt::print(stderr, "cannot create a schedule: {}\n", schedule.error().message);
      return 1;
    }
  }
  const double create_seconds = SecondsSince(create_start);
  fmt::print(
      "schedule_bench: {} jobs + schedules created through JobService/ScheduleService in "
      "{:.1f} s; measuring {} s of real time on {} cores (max_parallel_runs {})\n",
      options.schedules, create_seconds, options.seconds, std::thread::hardware_concurrency(),
      options.parallel);
  std::fflush(stdout);

  const double cpu_start = CpuSeconds();
  const TimePoint started = clock.Now();
  engine.Start();
  ticker.Start();
  std::this_thread::sleep_for(std::chrono::seconds(options.seconds));
  ticker.Stop();
  const TimePoint stopped = clock.Now();
  const double cpu = CpuSeconds() - cpu_start;
  // Runs still queued keep queued_at and scheduled_for; started_at only for those claimed.
  engine.Stop(std::chrono::seconds(5));
  (void)hub.Shutdown();

  // The window: whole seconds after the warm-up up to the last second the ticker saw pass.
  const auto window_from =
      std::chrono::ceil<std::chrono::seconds>(started + std::chrono::seconds(options.warmup));
  const auto window_to =
      std::chrono::floor<std::chrono::seconds>(stopped) - std::chrono::seconds(1);
  std::int64_t expected = 0;
  for (auto t = window_from; t <= window_to; t += std::chrono::seconds(1)) {
    const auto second = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()) % 60;
    // Schedules with i % 60 == second.
    const std::int64_t s = second.count();
    expected += options.schedules / 60 + (s < options.schedules % 60 ? 1 : 0);
  }

  std::vector<double> queued_late;
  std::vector<double> started_late;
  std::int64_t never_started = 0;
  RunFilter filter;
  filter.trigger = "schedule";
  filter.limit = 1000;
  while (true) {
    auto page = store->Runs().List(filter);
    if (!page.ok()) {
      fmt::print(stderr, "cannot list runs: {}\n", page.error().message);
      return 1;
    }
    for (const RunRecord& run : *page) {
      if (!run.scheduled_for || *run.scheduled_for < window_from || *run.scheduled_for > window_to)
        continue;
      queued_late.push_back(
          std::chrono::duration<double, std::milli>(run.queued_at - *run.scheduled_for).count());
      if (run.started_at) {
        started_late.push_back(
            std::chrono::duration<double, std::milli>(*run.started_at - *run.scheduled_for)
                .count());
      } else {
        ++never_started;
      }
    }
    if (page->size() < static_cast<std::size_t>(filter.limit)) break;
    filter.before_id = page->back().id;
  }
  const auto fired = static_cast<std::int64_t>(queued_late.size());
  const double window_seconds = std::chrono::duration<double>(window_to - window_from).count() + 1;
  fmt::print(
      "\nwindow {:.0f} s: {} fires expected, {} runs queued ({} missing), {} not started "
      "by the end; ~{:.0f} fires/s; process CPU {:.1f} s of {:.0f} s wall\n\n",
      window_seconds, expected, fired, expected - fired, never_started,
      static_cast<double>(fired) / window_seconds, cpu,
      std::chrono::duration<double>(stopped - started).count());
  fmt::print("| lateness                       |    p50 |    p99 |    max |\n");
  fmt::print("|--------------------------------|-------:|-------:|-------:|\n");
  auto print = [](const char* name, std::vector<double> values) {
    fmt::print("| {:<30} | {:>6} | {:>6} | {:>6} |\n", name, Ms(Quantile(values, 0.5)),
               Ms(Quantile(values, 0.99)), Ms(Quantile(values, 1.0)));
  };
  print("queued_at - scheduled_for", queued_late);
  print("started_at - scheduled_for", started_late);
  fmt::print("\ntarget: p99 < 50 ms\n");
  return expected == fired ? 0 : 2;
}

}  // namespace
}  // namespace batuta::bench

int main(int argc, char** argv) {
  batuta::bench::Options options;
  CLI::App app{"Lateness of schedule fires with many enabled schedules"};
  app.add_option("--schedules", options.schedules, "jobs, one schedule each")
      ->check(CLI::PositiveNumber);
  app.add_option("--seconds", options.seconds, "real time to measure")->check(CLI::PositiveNumber);
  app.add_option("--warmup", options.warmup, "seconds left out at the start");
  app.add_option("--parallel", options.parallel, "the engine's max_parallel_runs")
      ->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);
  return batuta::bench::Main(options);
}
