// One real export through the `sql_export` job type, in its own process, for
// bench/export_bench.sh to time side by side with psql's \copy, sqlite3 -csv and pandas.
//
// Wired as `batuta serve` wires it (app/commands.cc): a migrated SqliteStore in a temp dir,
// an AuditTrail, a ConnectionService with the data dir's roots and the default "exports"
// storage, one SQL connection created through ConnectionService::Create, then one
// SqlExport::Run with a minimal RunContext (no engine: log lines go to stderr with
// --verbose, progress is dropped). So Run() does everything a scheduled export does: resolve
// the connection, open the session, stream the rows through the CSV writer, SHA-256 and row
// index into an atomic file, fsync, keep a version, store the artifact.
//
//   export_bench --kind postgres --host /tmp/pgsock --port 5432 --database bench --user bench
//                --query 'SELECT * FROM t ORDER BY id' [--preset rfc4180] [--output f.csv]
//   export_bench --kind sqlite --sqlite-path /tmp/x/bench.db --query '...'
//   export_bench ... --source-only
//
// --source-only skips the job type: the same connection is resolved and its SqlSession streams
// the rows into a sink that only counts them. What is left is the driver's and the database's
// share of an export (the floor the CSV writer, hash, index and file add to).
//
// Prints one line of JSON: {"tool":"batuta", "succeeded", "rows", "bytes", "run_seconds" (wall
// time of Run()), "setup_seconds" (store, migrations, connection), "max_rss_kb" (getrusage
// ru_maxrss of the whole process)}. Exit status 0 only when the export succeeded.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <nlohmann/json.hpp>

#include "auth/audit_trail.h"
#include "bench/bench_support.h"
#include "connections/connection_service.h"
#include "core/clock.h"
#include "runners/sql_export.h"
#include "runs/job_type.h"
#include "sources/sql_session.h"
#include "store/sqlite/sqlite_store.h"

namespace batuta::bench {
namespace {

namespace fs = std::filesystem;
using Steady = std::chrono::steady_clock;

struct Options {
  std::string kind = "postgres";
  std::string host;  // postgres: host name or socket folder
  int port = 5432;
  std::string database;
  std::string user;
  std::string password;  // may be empty (trust / peer authentication)
  std::string sqlite_path;
  std::string query;
  std::string preset = "rfc4180";
  std::string output;  // where the exported file is moved after the measurement (optional)
  std::string work_dir;
  bool verbose = false;
  bool source_only = false;
};

// What a job type needs from the engine, without an engine. Run() calls it from its own
// thread only, so nothing is shared.
class BenchContext final : public runs::RunContext {
 public:
  BenchContext(const Clock& clock, RunRecord run, runs::JobSpec spec, bool verbose)
      : clock_(clock), run_(std::move(run)), spec_(std::move(spec)), verbose_(verbose) {}
  const RunRecord& run() const override { return run_; }
  const runs::JobSpec& spec() const override { return spec_; }
  const Clock& clock() const override { return clock_; }
  const runs::CancelToken& cancel() const override { return token_; }
  void Log(std::string_view level, std::string_view message) override {
    if (verbose_) std::cerr << level << ": " << message << '\n';
  }
  void ReportProgress(const nlohmann::json&) override {}
  void RegisterSecret(std::string_view) override {}

 private:
  const Clock& clock_;
  RunRecord run_;
  runs::JobSpec spec_;
  runs::CancelToken token_;
  bool verbose_;
};

// Counts the rows and the bytes of their cells, and drops them.
class CountingSink final : public rows::RowSink {
 public:
  Status Begin(std::span<const rows::Column>) override { return Ok(); }
  Status Row(std::span<const rows::Cell> cells) override {
    ++rows_;
    for (const auto& cell : cells) bytes_ += static_cast<std::int64_t>(cell.text.size());
    return Ok();
  }
  std::int64_t rows() const { return rows_; }
  std::int64_t bytes() const { return bytes_; }

 private:
  std::int64_t rows_ = 0;
  std::int64_t bytes_ = 0;
};

long MaxRssKb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

int Fail(const std::string& message) {
  std::cerr << "export_bench: " << message << '\n';
  std::cout << nlohmann::json{{"tool", "batuta"}, {"succeeded", false}, {"error", message}}.dump()
            << '\n';
  return 1;
}

// The rows through the connection's SqlSession into a CountingSink, as SqlExport queries them
// (read-only, UTC), timed from opening the session to the last row.
int SourceOnly(const Options& options, connections::ConnectionService& connections,
               Steady::time_point setup_start) {
  auto sql = connections.ResolveSql("source", auth::Actor::System("bench"));
  if (!sql.ok()) return Fail("resolve: " + sql.error().message);
  const double setup_seconds = SecondsSince(setup_start);
  const auto run_start = Steady::now();
  auto session = sources::OpenSqlSession(sql->endpoint, std::chrono::seconds(10));
  if (!session.ok()) return Fail("connect: " + session.error().message);
  sources::QueryRequest request;
  request.sql = options.query;
  request.read_only = true;
  request.time_zone = "UTC";
  CountingSink sink;
  if (auto queried = (*session)->Query(request, sink); !queried.ok()) {
    return Fail("query: " + queried.error().message);
  }
  const double run_seconds = SecondsSince(run_start);
  std::cout << nlohmann::json{{"tool", "batuta"},
                              {"kind", options.kind},
                              {"mode", "source-only"},
                              {"succeeded", true},
                              {"rows", sink.rows()},
                              {"cell_bytes", sink.bytes()},
                              {"setup_seconds", setup_seconds},
                              {"run_seconds", run_seconds},
                              {"max_rss_kb", MaxRssKb()}}
                   .dump()
            << '\n';
  return 0;
}

int Main(const Options& options) {
  if (options.work_dir.empty()) {
    return Fail("--work-dir is required");
  }
  // The temp dir lives in --work-dir, so the export is written to the same file system as
  // the peers' files.
  setenv("TMPDIR", options.work_dir.c_str(), 1);
  const TempDir dir;
  const fs::path& data = dir.path();
  const Clock& clock = SystemClock::Instance();
  const auto setup_start = Steady::now();

  auto store = SqliteStore::Open(data / "batuta.db", clock);
  if (!store.ok()) return Fail("store: " + store.error().message);
  if (auto migrated = (*store)->Migrate(); !migrated.ok()) {
    return Fail("migrate: " + migrated.error().message);
  }
  auth::AuditTrail audit(**store, clock);
  auto key = secrets::MasterKey::FromBytes(std::string(32, 'b'));
  if (!key.ok()) return Fail("master key: " + key.error().message);

  nlohmann::json connection;
  connections::ConnectionRoots roots;
  roots.storage_root = data;
  roots.reserved_folders = {"sqlite", "backups"};
  if (options.kind == "sqlite") {
    const fs::path source = fs::absolute(options.sqlite_path);
    roots.sqlite_root = source.parent_path();
    connection = {{"name", "source"},
                  {"kind", "sqlite"},
                  {"settings", {{"path", source.filename().string()}}}};
  } else if (options.kind == "postgres") {
    roots.sqlite_root = data / "sqlite";
    connection = {{"name", "source"},
                  {"kind", "postgres"},
                  {"settings",
                   {{"host", options.host},
                    {"port", options.port},
                    {"database", options.database},
                    {"user", options.user},
                    {"sslmode", "disable"}}}};
    if (!options.password.empty()) connection["secrets"] = {{"password", options.password}};
  } else {
    return Fail("--kind must be postgres or sqlite");
  }
  connections::ConnectionService connections(**store, *key, audit, clock, roots);
  if (auto ensured = connections.EnsureDefaultStorage(); !ensured.ok()) {
    return Fail("storage: " + ensured.error().message);
  }
  if (auto created = connections.Create(connection, auth::Actor::System("bench")); !created.ok()) {
    return Fail("connection: " + created.error().message);
  }

  if (options.source_only) return SourceOnly(options, connections, setup_start);

  const runners::SqlExport type(**store, connections, clock, "UTC");
  runs::JobSpec spec;
  spec.name = "export bench";
  spec.type = "sql_export";
  spec.config = {{"connection", "source"},
                 {"query", options.query},
                 {"dataset", "bench"},
                 {"timezone", "UTC"},
                 {"statement_timeout_seconds", 0},
                 {"csv", {{"preset", options.preset}}}};
  if (auto valid = type.ValidateConfig(spec.config); !valid.ok()) {
    return Fail("config: " + valid.error().message);
  }
  RunRecord run;
  run.id = "bench-run";
  run.job_id = "bench-job";
  run.job_name = spec.name;
  run.root_run_id = run.id;
  run.queued_at = clock.Now();
  BenchContext context(clock, run, spec, options.verbose);
  const double setup_seconds = SecondsSince(setup_start);

  const auto run_start = Steady::now();
  const runs::RunOutcome outcome = type.Run(context);
  const double run_seconds = SecondsSince(run_start);
  const long max_rss_kb = MaxRssKb();
  if (!outcome.succeeded) return Fail("the export failed: " + outcome.error);

  if (!options.output.empty()) {
    std::error_code error;
    fs::rename(data / "exports" / outcome.result.value("path", "bench.csv"), options.output, error);
    if (error) return Fail("cannot move the export to " + options.output + ": " + error.message());
  }
  std::cout << nlohmann::json{{"tool", "batuta"},
                              {"kind", options.kind},
                              {"preset", options.preset},
                              {"succeeded", true},
                              {"rows", outcome.result.value("rows", std::int64_t{0})},
                              {"bytes", outcome.result.value("bytes", std::int64_t{0})},
                              {"setup_seconds", setup_seconds},
                              {"run_seconds", run_seconds},
                              {"max_rss_kb", max_rss_kb}}
                   .dump()
            << '\n';
  return 0;
}

}  // namespace
}  // namespace batuta::bench

int main(int argc, char** argv) {
  batuta::bench::Options options;
  CLI::App app{"One sql_export run, timed (see bench/export_bench.sh)"};
  app.add_option("--kind", options.kind, "postgres or sqlite")->capture_default_str();
  app.add_option("--host", options.host, "postgres: host or socket folder");
  app.add_option("--port", options.port, "postgres: port")->capture_default_str();
  app.add_option("--database", options.database, "postgres: database");
  app.add_option("--user", options.user, "postgres: role");
  app.add_option("--password", options.password, "postgres: password (optional)");
  app.add_option("--sqlite-path", options.sqlite_path, "sqlite: database file");
  app.add_option("--query", options.query, "the SELECT to export")->required();
  app.add_option("--preset", options.preset, "CSV preset (rfc4180, excel_br)")
      ->capture_default_str();
  app.add_option("--output", options.output, "move the exported CSV here afterwards");
  app.add_option("--work-dir", options.work_dir,
                 "folder for the store and the export (removed afterwards)")
      ->required();
  app.add_flag("--verbose", options.verbose, "print the run's log lines on stderr");
  app.add_flag("--source-only", options.source_only,
               "only stream the rows through the SqlSession into a counting sink");
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);
  return batuta::bench::Main(options);
}
