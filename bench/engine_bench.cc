// End-to-end throughput of the run engine on the SQLite store: trivial runs go queued →
// claimed → run → finished through the real SqliteStore (temp dir, WAL), JobService,
// RunService::Trigger, LogHub + SecretMasker + HubLogWriter and an Engine with its background
// loop, exactly as `batuta serve` wires them (app/commands.cc). The job type returns success
// at once after logging one line, so what is measured is the engine's own cost per run: the
// claim transaction, a thread per run, three log lines (started / the job's / succeeded)
// masked, numbered and batched into the store, the status events, the finishing UPDATE.
//
// Two shapes, each on a fresh store, for each --parallel value:
//   backlog    N runs are triggered with the engine stopped, then it starts; time from start
//              until the FinishedListener has seen all N.
//   triggered  the engine runs while --producers threads call RunService::Trigger as fast as
//              they can (N in total); time from the first trigger to the last finish, and
//              each run's latency from queued_at to finished_at (mostly queueing: the
//              producers outrun the engine).
//   paced      the same, but the producers offer --rate runs/s between them on a fixed
//              timetable: the latency of a run on a busy but not saturated engine.
// Afterwards the store is checked: every run succeeded exactly once, no run is left queued or
// running, and (after the hub's flush) sampled runs have their three lines stored.
//
//   engine_bench [--runs 20000] [--parallel 8,16,32] [--producers 4] [--jobs 10] [--rate 1000]
//
// Bounded: a shape that has not drained after --timeout seconds is reported as such.
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "auth/audit_trail.h"
#include "bench/bench_support.h"
#include "bench/trivial_job_type.h"
#include "logs/log_hub.h"
#include "logs/secret_masker.h"
#include "runs/engine.h"
#include "runs/hub_log_writer.h"
#include "runs/job_service.h"
#include "runs/run_service.h"
#include "store/sqlite/sqlite_store.h"

namespace batuta::bench {
namespace {

using Steady = std::chrono::steady_clock;

struct Options {
  int runs = 20'000;
  std::string parallel = "8,16,32";
  int producers = 4;
  int jobs = 10;
  int timeout_seconds = 120;
  std::string shapes = "backlog,triggered,paced";
  int rate = 1000;  // runs/s offered in the paced shape
};

// What the FinishedListener saw. Thread-safe.
class Tally {
 public:
  void Add(const RunRecord& run) {
    const std::lock_guard lock(mutex_);
    if (!ids_.insert(run.id).second) ++duplicates_;
    if (run.status != RunStatus::kSucceeded) ++failures_;
    if (run.finished_at) {
      latencies_ms_.push_back(
          std::chrono::duration<double, std::milli>(*run.finished_at - run.queued_at).count());
    }
    changed_.notify_all();
  }
  // True when `count` runs finished within `timeout`.
  bool WaitFor(std::size_t count, std::chrono::seconds timeout) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return ids_.size() >= count; });
  }
  std::size_t count() const {
    const std::lock_guard lock(mutex_);
    return ids_.size();
  }
  int duplicates() const {
    const std::lock_guard lock(mutex_);
    return duplicates_;
  }
  int failures() const {
    const std::lock_guard lock(mutex_);
    return failures_;
  }
  std::vector<double> latencies_ms() const {
    const std::lock_guard lock(mutex_);
    return latencies_ms_;
  }
  std::vector<std::string> ids() const {
    const std::lock_guard lock(mutex_);
    return {ids_.begin(), ids_.end()};
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::set<std::string> ids_;
  int duplicates_ = 0;
  int failures_ = 0;
  std::vector<double> latencies_ms_;
};

// One server's worth of engine, wired as app/commands.cc wires `batuta serve`.
class World {
 public:
  World(int max_parallel_runs, int jobs) {
    auto store = SqliteStore::Open(dir_.path() / "batuta.db", clock_);
    if (!store.ok() || !(*store)->Migrate().ok()) {
      fmt::print(stderr, "cannot open the store in {}\n", dir_.path().string());
      std::exit(1);
    }
    store_ = std::move(store).value();
    audit_ = std::make_unique<auth::AuditTrail>(*store_, clock_);
    types_.Add(std::make_unique<TrivialJobType>("hello from a trivial run"));
    hub_ = std::make_unique<logs::LogHub>(store_->RunLogs(), masker_, clock_);
    logs_ = std::make_unique<runs::HubLogWriter>(*hub_, masker_);
    runs::EngineOptions options;
    options.worker_id = "bench-worker";
    options.max_parallel_runs = max_parallel_runs;
    engine_ = std::make_unique<runs::Engine>(*store_, *logs_, types_, clock_, options);
    engine_->SetFinishedListener([this](const RunRecord& run) { tally_.Add(run); });
    job_service_ = std::make_unique<runs::JobService>(*store_, types_, *audit_, clock_);
    run_service_ = std::make_unique<runs::RunService>(*store_, *engine_, *audit_, clock_);
    // overlap "allow" so runs of one job may run side by side, as a busy job's would.
    for (int i = 0; i < jobs; ++i) {
      auto job =
          job_service_->Create({{"name", fmt::format("bench-{}", i)},
                                {"type", "bench.trivial"},
                                {"policies", {{"overlap", "allow"}, {"max_concurrent", 100}}}},
                               true, auth::Actor::System("bench"));
      if (!job.ok()) {
        fmt::print(stderr, "cannot create a job: {}\n", job.error().message);
        std::exit(1);
      }
      job_ids_.push_back(job->id);
    }
  }
  ~World() {
    engine_->Stop(std::chrono::milliseconds(0));
    (void)hub_->Shutdown();
  }

  // Triggers `count` runs round-robin over the jobs starting at `offset`; false on an error.
  bool Trigger(int count, int offset) {
    const auto actor = auth::Actor::System("bench");
    for (int i = 0; i < count; ++i) {
      const auto& job = job_ids_[static_cast<std::size_t>(offset + i) % job_ids_.size()];
      if (auto run = run_service_->Trigger(job, nlohmann::json::object(), "api", actor);
          !run.ok()) {
        fmt::print(stderr, "trigger failed: {}\n", run.error().message);
        return false;
      }
    }
    return true;
  }

  // Empty when the store agrees with the listener: `expected` runs succeeded, none active,
  // and every `sample_every`-th finished run has its three lines stored.
  std::string Verify(std::size_t expected, std::size_t sample_every) {
    if (auto flushed = hub_->Flush(); !flushed.ok()) return "flush: " + flushed.error().message;
    for (const auto& job : job_ids_) {
      auto active = store_->Runs().CountActive(job);
      if (!active.ok() || *active != 0) return "runs left queued or running";
    }
    std::size_t succeeded = 0;
    RunFilter filter;
    filter.status = RunStatus::kSucceeded;
    filter.limit = 1000;
    while (true) {
      auto page = store_->Runs().List(filter);
      if (!page.ok()) return "list: " + page.error().message;
      succeeded += page->size();
      if (page->size() < static_cast<std::size_t>(filter.limit)) break;
      filter.before_id = page->back().id;
    }
    if (succeeded != expected) return fmt::format("{} succeeded in the store", succeeded);
    const auto ids = tally_.ids();
    for (std::size_t i = 0; i < ids.size(); i += sample_every) {
      auto lines = store_->RunLogs().ListAfter(ids[i], 0, 100);
      if (!lines.ok() || lines->size() != 3) return "run " + ids[i] + " lacks log lines";
    }
    return "";
  }

  runs::Engine& engine() { return *engine_; }
  Tally& tally() { return tally_; }

 private:
  TempDir dir_;
  SystemClock clock_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<auth::AuditTrail> audit_;
  runs::JobTypeRegistry types_;
  logs::SecretMasker masker_;
  std::unique_ptr<logs::LogHub> hub_;
  std::unique_ptr<runs::HubLogWriter> logs_;
  std::unique_ptr<runs::Engine> engine_;
  std::unique_ptr<runs::JobService> job_service_;
  std::unique_ptr<runs::RunService> run_service_;
  std::vector<std::string> job_ids_;
  Tally tally_;
};

// One table row. Latencies only for the triggered shape: in the backlog one, queued_at ->
// finished_at is mostly time spent waiting behind the rest of the backlog.
void PrintRow(const std::string& shape, int parallel, double seconds, double cpu, World& world,
              double trigger_rate, bool latencies, const std::string& problem) {
  auto values = world.tally().latencies_ms();
  const auto quantile = [&](double q) {
    return latencies ? fmt::format("{:.1f}", Quantile(values, q)) : std::string("-");
  };
  const std::size_t count = world.tally().count();
  fmt::print("| {:<10} | {:>8} | {:>6} | {:>7.0f} | {:>9.0f} | {:>6} | {:>6} | {:>6.0f} | {} |\n",
             shape, parallel, count, static_cast<double>(count) / seconds, trigger_rate,
             quantile(0.50), quantile(0.99),
             cpu / static_cast<double>(std::max<std::size_t>(count, 1)) * 1e6,
             problem.empty() ? "ok" : problem);
  std::fflush(stdout);
}

std::string Problems(World& world, std::size_t expected, bool drained) {
  if (!drained) return fmt::format("NOT DRAINED ({} finished)", world.tally().count());
  if (world.tally().duplicates() != 0) return "duplicate finishes";
  if (world.tally().failures() != 0) return "failed runs";
  return world.Verify(expected, 50);
}

double Backlog(const Options& options, int parallel) {
  World world(parallel, options.jobs);
  const auto trigger_start = Steady::now();
  if (!world.Trigger(options.runs, 0)) std::exit(1);
  const double trigger_rate = options.runs / SecondsSince(trigger_start);
  const double cpu_start = CpuSeconds();
  const auto start = Steady::now();
  world.engine().Start();
  const bool drained = world.tally().WaitFor(static_cast<std::size_t>(options.runs),
                                             std::chrono::seconds(options.timeout_seconds));
  const double seconds = SecondsSince(start);
  const double cpu = CpuSeconds() - cpu_start;
  const auto problem = Problems(world, static_cast<std::size_t>(options.runs), drained);
  PrintRow("backlog", parallel, seconds, cpu, world, trigger_rate, false, problem);
  return static_cast<double>(world.tally().count()) / seconds;
}

// `rate` 0: each producer triggers as fast as it can; otherwise the producers together offer
// `rate` runs/s, each on its own fixed timetable (no catching up in bursts).
double Triggered(const Options& options, int parallel, int rate) {
  World world(parallel, options.jobs);
  world.engine().Start();
  const int per_producer = options.runs / options.producers;
  const int total = per_producer * options.producers;
  std::atomic<bool> ok{true};
  const double cpu_start = CpuSeconds();
  const auto start = Steady::now();
  std::vector<std::thread> producers;
  for (int p = 0; p < options.producers; ++p) {
    producers.emplace_back([&, p] {
      if (rate == 0) {
        if (!world.Trigger(per_producer, p)) ok = false;
        return;
      }
      const auto period = std::chrono::duration<double>(options.producers / double(rate));
      for (int i = 0; i < per_producer && ok; ++i) {
        std::this_thread::sleep_until(start + std::chrono::duration_cast<Steady::duration>(
                                                  period * (i + p / double(options.producers))));
        if (!world.Trigger(1, p + i * options.producers)) ok = false;
      }
    });
  }
  for (auto& producer : producers) producer.join();
  const double trigger_rate = total / SecondsSince(start);
  if (!ok) std::exit(1);
  const bool drained = world.tally().WaitFor(static_cast<std::size_t>(total),
                                             std::chrono::seconds(options.timeout_seconds));
  const double seconds = SecondsSince(start);
  const double cpu = CpuSeconds() - cpu_start;
  const auto problem = Problems(world, static_cast<std::size_t>(total), drained);
  PrintRow(rate == 0 ? "triggered" : fmt::format("paced {}", rate), parallel, seconds, cpu, world,
           trigger_rate, true, problem);
  return static_cast<double>(world.tally().count()) / seconds;
}

}  // namespace
}  // namespace batuta::bench

int main(int argc, char** argv) {
  using namespace batuta::bench;
  Options options;
  CLI::App app{"End-to-end trivial runs per second through the engine on the SQLite store"};
  app.add_option("--runs", options.runs, "runs per shape and parallelism")
      ->check(CLI::PositiveNumber);
  app.add_option("--parallel", options.parallel, "max_parallel_runs values, comma-separated");
  app.add_option("--producers", options.producers, "threads triggering in the triggered shape")
      ->check(CLI::PositiveNumber);
  app.add_option("--jobs", options.jobs, "jobs the runs are spread over")
      ->check(CLI::PositiveNumber);
  app.add_option("--timeout", options.timeout_seconds, "seconds a shape may take to drain");
  app.add_option("--shapes", options.shapes, "backlog,triggered,paced");
  app.add_option("--rate", options.rate, "runs/s the producers offer in the paced shape")
      ->check(CLI::PositiveNumber);
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);

  fmt::print("engine_bench: {} trivial runs per shape over {} jobs, {} producers, {} cores\n",
             options.runs, options.jobs, options.producers, std::thread::hardware_concurrency());
  fmt::print(
      "peer: n8n's published 220 workflow executions/s on 2 vCPU (a published figure, "
      "not run here)\n\n");
  fmt::print(
      "| shape      | parallel | runs   | runs/s  | trigger/s | p50 ms | p99 ms | CPU µs "
      "| check |\n");
  fmt::print(
      "|------------|---------:|-------:|--------:|----------:|-------:|-------:|-------:"
      "|-------|\n");
  double best = 0;
  const bool backlog = options.shapes.find("backlog") != std::string::npos;
  const bool triggered = options.shapes.find("triggered") != std::string::npos;
  const bool paced = options.shapes.find("paced") != std::string::npos;
  for (const int parallel : ParseIntList(options.parallel)) {
    if (backlog) best = std::max(best, Backlog(options, parallel));
    if (triggered) best = std::max(best, Triggered(options, parallel, 0));
    if (paced) Triggered(options, parallel, options.rate);
  }
  fmt::print(
      "\nbest: {:.0f} runs/s (target >= 1,000). p50/p99: queued_at -> finished_at of each "
      "run; CPU µs: process CPU time per run (user+sys) while draining.\n",
      best);
  return 0;
}
