#include "runners/sql_export.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <mutex>
#include <thread>
#include <utility>

#include "core/id.h"
#include "formats/csv_writer.h"
#include "runners/accumulate.h"
#include "runners/export_file.h"
#include "runners/pipelined_sink.h"
#include "runners/sql_export_bindings.h"
#include "runners/sql_export_config.h"
#include "scheduler/schedule_spec.h"
#include "sources/named_parameters.h"
#include "storage/local_storage.h"
#include "storage/path_template.h"

namespace batuta::runners {
namespace {

using runs::RunOutcome;
using std::chrono::milliseconds;

constexpr std::uint64_t kProgressEvery = 10'000;

// Lets the run's cancel token stop the query of a session that may already be gone: the
// token's callback can fire at any time, also after the run returned.
class CancelBridge {
 public:
  void Attach(sources::SqlSession* session) {
    std::lock_guard lock(mutex_);
    session_ = session;
  }
  void Cancel() {
    std::lock_guard lock(mutex_);
    if (session_ != nullptr) session_->Cancel();
  }

 private:
  std::mutex mutex_;
  sources::SqlSession* session_ = nullptr;  // guarded by mutex_
};

// Detaches the session from the bridge when the run leaves, before the session is destroyed.
struct BridgeGuard {
  std::shared_ptr<CancelBridge> bridge;
  ~BridgeGuard() { bridge->Attach(nullptr); }
};

std::string PeriodText(const date::year_month_day& day, Period period) {
  std::string full = FormatDate(day);
  switch (period) {
    case Period::kDay:
      return full;
    case Period::kMonth:
      return full.substr(0, 7);
    case Period::kYear:
      return full.substr(0, 4);
  }
  return full;
}

storage::TemplateValues PathValues(const SqlExportConfig& config, const std::string& dataset,
                                   const std::string& job_name, const RunDates& dates) {
  const std::string day = FormatDate(dates.window_start);
  return {{"dataset", dataset},
          {"job", DatasetNameFor(job_name)},
          {"date", day},
          {"yyyy", day.substr(0, 4)},
          {"mm", day.substr(5, 2)},
          {"dd", day.substr(8, 2)},
          {"period", PeriodText(dates.window_start, config.period)}};
}

std::string ContentType(const formats::CsvOptions& options) {
  if (options.gzip) return "application/gzip";
  return options.encoding == formats::CsvEncoding::kWindows1252 ? "text/csv; charset=windows-1252"
                                                                : "text/csv; charset=utf-8";
}

nlohmann::json ColumnsJson(const std::vector<rows::Column>& columns) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& column : columns) {
    out.push_back({{"name", column.name},
                   {"type", rows::ColumnTypeName(column.type)},
                   {"source_type", column.source_type}});
  }
  return out;
}

// Whether to receive and write on two threads. The second thread pays off when a core is free
// for it: always beside SQLite (the "server" is this thread) or a remote server, but a database
// server on this machine (a unix socket or a loopback address) needs a core of its own to
// produce the rows, and on a two-core machine three busy threads are slower than two.
bool ShouldOverlap(const sources::SqlEndpoint& endpoint) {
  const unsigned cores = std::max(1U, std::thread::hardware_concurrency());
  const bool server_here =
      (endpoint.kind == sources::SqlKind::kPostgres || endpoint.kind == sources::SqlKind::kMysql) &&
      (endpoint.host.empty() || endpoint.host.front() == '/' || endpoint.host == "localhost" ||
       endpoint.host.starts_with("127.") || endpoint.host == "::1");
  return cores >= (server_here ? 3U : 2U);
}

// Remembers the columns of a result while passing everything on.
class ColumnsTap final : public rows::RowSink {
 public:
  explicit ColumnsTap(rows::RowSink& next) : next_(next) {}
  Status Begin(std::span<const rows::Column> columns) override {
    columns_.assign(columns.begin(), columns.end());
    return next_.Begin(columns);
  }
  Status Row(std::span<const rows::Cell> cells) override { return next_.Row(cells); }
  const std::vector<rows::Column>& columns() const { return columns_; }

 private:
  rows::RowSink& next_;
  std::vector<rows::Column> columns_;
};

// Collects the keys of rows read back from the run's work file.
class KeyCollector final : public rows::RowSink {
 public:
  explicit KeyCollector(ReplaceRule& rule) : rule_(rule) {}
  Status Begin(std::span<const rows::Column>) override { return Ok(); }
  Status Row(std::span<const rows::Cell> cells) override {
    rule_.new_keys.insert(RowKey(cells, rule_.key_columns));
    return Ok();
  }

 private:
  ReplaceRule& rule_;
};

// One run's work. Each step returns a failure message for the run on error.
class ExportRun {
 public:
  ExportRun(Store& store, connections::ConnectionService& connections, const Clock& clock,
            const std::string& default_timezone, runs::RunContext& context)
      : store_(store),
        connections_(connections),
        clock_(clock),
        default_timezone_(default_timezone),
        context_(context) {}

  RunOutcome Run();

 private:
  Result<const date::time_zone*> Zone() const;
  // Streams the query's rows into `sink`.
  Status Query(const connections::ResolvedSql& sql, const std::vector<sources::BindValue>& binds,
               rows::RowSink& sink);
  Result<ExportedFile> WriteOverwrite(const storage::LocalStorage& storage,
                                      const std::vector<sources::BindValue>& binds,
                                      const connections::ResolvedSql& sql);
  Result<ExportedFile> WriteAccumulate(const storage::LocalStorage& storage,
                                       const std::vector<sources::BindValue>& binds,
                                       const connections::ResolvedSql& sql);
  void PruneVersions();

  Store& store_;
  connections::ConnectionService& connections_;
  const Clock& clock_;
  const std::string& default_timezone_;
  runs::RunContext& context_;

  SqlExportConfig config_;
  std::string dataset_;
  RunDates dates_;
  std::string path_;
  std::string artifact_id_;
  std::string kept_path_;
  std::string kept_index_path_;
};

Result<const date::time_zone*> ExportRun::Zone() const {
  if (!config_.timezone.empty()) return scheduler::LocateZone(config_.timezone);
  if (const auto& schedule_id = context_.run().schedule_id) {
    auto schedule = store_.Schedules().FindById(*schedule_id);
    if (schedule.ok() && schedule->has_value()) {
      const auto& spec = (*schedule)->spec;
      if (const auto zone = spec.find("timezone"); zone != spec.end() && zone->is_string()) {
        return scheduler::LocateZone(zone->get<std::string>());
      }
    }
  }
  return scheduler::LocateZone(default_timezone_);
}

Status ExportRun::Query(const connections::ResolvedSql& sql,
                        const std::vector<sources::BindValue>& binds, rows::RowSink& sink) {
  const auto timeout =
      std::chrono::seconds(sql.record.settings.value("connect_timeout_seconds", std::int64_t{10}));
  context_.Log("info", fmt::format("connecting to '{}' ({})", sql.record.name, sql.record.kind));
  auto session = sources::OpenSqlSession(sql.endpoint, timeout);
  if (!session.ok()) {
    return Error::Unavailable(
        fmt::format("cannot connect to '{}': {}", sql.record.name, session.error().message));
  }
  auto bridge = std::make_shared<CancelBridge>();
  const BridgeGuard guard{bridge};
  bridge->Attach(session->get());
  context_.cancel().OnCancel([bridge] { bridge->Cancel(); });
  if (context_.cancel().Cancelled()) return Error::Unavailable("cancelled before the query");

  sources::QueryRequest request;
  request.sql = config_.query;
  request.binds = binds;
  request.read_only = config_.read_only;
  request.statement_timeout = std::chrono::seconds(config_.statement_timeout_seconds);
  auto zone = Zone();
  request.time_zone = zone.ok() ? std::string((*zone)->name()) : "UTC";
  request.progress_every = kProgressEvery;
  request.on_progress = [this](std::uint64_t rows) {
    context_.ReportProgress({{"rows", rows}, {"phase", "query"}});
  };
  request.on_note = [this](std::string_view note) { context_.Log("info", note); };
  const auto started = std::chrono::steady_clock::now();
  Status queried = Ok();
  if (ShouldOverlap(sql.endpoint)) {
    // Receiving rows and writing them overlap: the file is written on the pipeline's thread.
    PipelinedSink pipeline(sink);
    queried = (*session)->Query(request, pipeline);
    if (queried.ok()) queried = pipeline.Finish();
  } else {
    queried = (*session)->Query(request, sink);
  }
  if (!queried.ok()) {
    if (context_.cancel().Cancelled()) return Error::Unavailable("the query was cancelled");
    if (queried.error().code == ErrorCode::kValidation ||
        queried.error().code == ErrorCode::kInvalidArgument) {
      return Error::InvalidArgument(fmt::format("the query failed: {}", queried.error().message));
    }
    return queried;
  }
  const auto elapsed =
      std::chrono::duration_cast<milliseconds>(std::chrono::steady_clock::now() - started);
  context_.Log("info", fmt::format("the query finished in {} ms", elapsed.count()));
  return Ok();
}

Result<ExportedFile> ExportRun::WriteOverwrite(const storage::LocalStorage& storage,
                                               const std::vector<sources::BindValue>& binds,
                                               const connections::ResolvedSql& sql) {
  auto file = ExportFile::Create(storage, path_, config_.csv);
  if (!file.ok()) return std::move(file).error();
  BATUTA_RETURN_IF_ERROR(Query(sql, binds, (*file)->sink()));
  return (*file)->Commit(kept_path_, kept_index_path_);
}

Result<ExportedFile> ExportRun::WriteAccumulate(const storage::LocalStorage& storage,
                                                const std::vector<sources::BindValue>& binds,
                                                const connections::ResolvedSql& sql) {
  // 1. This run's rows go to a work file, written exactly as the final file will hold them.
  const std::string work_path = fmt::format(".batuta/work/{}.csv", artifact_id_);
  formats::CsvOptions work_options = config_.csv;
  work_options.gzip = false;
  work_options.header = true;
  std::vector<rows::Column> columns;
  {
    auto work = storage.CreateAtomicKept(work_path);
    if (!work.ok()) return std::move(work).error();
    formats::CsvWriter writer(**work, work_options);
    ColumnsTap tap(writer);
    BATUTA_RETURN_IF_ERROR(Query(sql, binds, tap));
    BATUTA_RETURN_IF_ERROR(writer.Finish());
    BATUTA_RETURN_IF_ERROR((*work)->Commit());
    columns = tap.columns();
  }
  struct WorkFileRemover {
    const storage::LocalStorage& storage;
    const std::string& path;
    ~WorkFileRemover() { (void)storage.RemoveKept(path); }
  } remover{storage, work_path};
  auto work_file = storage.ResolveKept(work_path);
  if (!work_file.ok()) return std::move(work_file).error();

  // 2. Which old rows this run replaces.
  ReplaceRule rule;
  rule.window_start = FormatDate(dates_.window_start);
  if (!config_.key.empty()) {
    auto indexes = ColumnIndexes(columns, config_.key, "config.output.key");
    if (!indexes.ok()) return std::move(indexes).error();
    rule.key_columns = std::move(indexes).value();
    KeyCollector collector(rule);
    auto read = CopyAllRows(work_file->string(), work_options, columns.size(), collector);
    if (!read.ok()) return std::move(read).error();
  } else {
    auto indexes = ColumnIndexes(columns, {config_.date_column}, "config.output.date_column");
    if (!indexes.ok()) return std::move(indexes).error();
    rule.date_column = indexes->front();
  }

  // 3. The new file: the kept old rows, then this run's rows. Both are already formatted, so
  // the writer gets them as text and must not guard them a second time.
  formats::CsvOptions final_options = config_.csv;
  final_options.formula_guard = false;
  std::vector<rows::Column> as_text = columns;
  for (auto& column : as_text) column.type = rows::ColumnType::kText;
  auto file = ExportFile::Create(storage, path_, final_options);
  if (!file.ok()) return std::move(file).error();
  BATUTA_RETURN_IF_ERROR((*file)->sink().Begin(as_text));
  auto old_file = storage.Resolve(path_);
  if (!old_file.ok()) return std::move(old_file).error();
  auto counts = CopyKeptRows(old_file->string(), config_.csv, columns, rule, (*file)->sink());
  if (!counts.ok()) return std::move(counts).error();
  auto added = CopyAllRows(work_file->string(), work_options, columns.size(), (*file)->sink());
  if (!added.ok()) return std::move(added).error();
  context_.Log("info", fmt::format("kept {} existing rows, replaced {}, added {}", counts->kept,
                                   counts->replaced, *added));
  if (counts->undated > 0) {
    context_.Log("warn", fmt::format("{} existing rows were kept because their {} could not be "
                                     "read as a date",
                                     counts->undated, config_.date_column));
  }
  return (*file)->Commit(kept_path_, kept_index_path_, columns);
}

void ExportRun::PruneVersions() {
  auto versions = store_.Artifacts().ListVersions(dataset_, config_.keep_versions + 100);
  if (!versions.ok()) {
    context_.Log("warn", fmt::format("old versions not pruned: {}", versions.error().message));
    return;
  }
  int removed = 0;
  for (std::size_t i = static_cast<std::size_t>(config_.keep_versions); i < versions->size(); ++i) {
    const ArtifactRecord& old = (*versions)[i];
    auto folder = connections_.ResolveStorage(old.storage);
    if (folder.ok()) {
      auto storage = storage::LocalStorage::Open(*folder);
      if (storage.ok()) {
        (void)storage->RemoveKept(old.kept_path);
        if (!old.index_path.empty()) (void)storage->RemoveKept(old.index_path);
      }
    }
    if (store_.Artifacts().Delete(old.id).ok()) ++removed;
  }
  if (removed > 0) {
    context_.Log("info", fmt::format("removed {} old version(s) of '{}'", removed, dataset_));
  }
}

RunOutcome ExportRun::Run() {
  const RunRecord& run = context_.run();
  auto config = ParseSqlExportConfig(context_.spec().config);
  if (!config.ok()) return RunOutcome::Failure(config.error().message);
  config_ = std::move(config).value();
  dataset_ = config_.dataset.empty() ? DatasetNameFor(context_.spec().name) : config_.dataset;

  const auth::Actor actor = auth::Actor::System(fmt::format("run {}", run.id));
  auto sql = connections_.ResolveSql(config_.connection, actor);
  if (!sql.ok()) return RunOutcome::Failure(sql.error().message);
  for (const auto& secret : sql->secret_values) context_.RegisterSecret(secret);

  auto zone = Zone();
  if (!zone.ok()) return RunOutcome::Failure(zone.error().message);
  dates_ = ComputeRunDates(run.scheduled_for.value_or(run.queued_at), **zone, config_.days_offset);
  auto binds = BuildBindings(config_.query, sources::PlaceholderStyleFor(sql->endpoint.kind),
                             run.parameters, context_.spec().parameters, dates_);
  if (!binds.ok()) return RunOutcome::Failure(binds.error().message);

  auto path = storage::RenderPathTemplate(
      config_.path, PathValues(config_, dataset_, context_.spec().name, dates_),
      "config.output.path");
  if (!path.ok()) return RunOutcome::Failure(path.error().message);
  path_ = std::move(path).value();
  auto folder = connections_.ResolveStorage(config_.storage);
  if (!folder.ok()) return RunOutcome::Failure(folder.error().message);
  auto storage = storage::LocalStorage::Open(*folder);
  if (!storage.ok()) return RunOutcome::Failure(storage.error().message);
  if (auto resolved = storage->Resolve(path_); !resolved.ok()) {
    return RunOutcome::Failure(
        fmt::format("output path '{}': {}", path_, resolved.error().message));
  }

  artifact_id_ = IdGenerator(clock_).Next();
  const std::string extension = config_.csv.gzip ? ".csv.gz" : ".csv";
  kept_path_ = fmt::format(".batuta/versions/{}/{}{}", dataset_, artifact_id_, extension);
  kept_index_path_ = fmt::format(".batuta/versions/{}/{}.idx", dataset_, artifact_id_);
  context_.Log("info",
               fmt::format("exporting to {}:{} (dataset '{}', dates from {})", config_.storage,
                           path_, dataset_, FormatDate(dates_.window_start)));

  auto exported = config_.mode == ExportMode::kAccumulate ? WriteAccumulate(*storage, *binds, *sql)
                                                          : WriteOverwrite(*storage, *binds, *sql);
  if (!exported.ok()) {
    if (context_.cancel().Cancelled()) return RunOutcome::Failure("cancelled");
    return RunOutcome::Failure(exported.error().message);
  }
  context_.ReportProgress({{"rows", exported->rows}, {"phase", "done"}});

  ArtifactRecord artifact;
  artifact.id = artifact_id_;
  artifact.run_id = run.id;
  artifact.job_id = run.job_id;
  artifact.dataset = dataset_;
  artifact.storage = config_.storage;
  artifact.path = path_;
  artifact.kept_path = kept_path_;
  artifact.index_path = kept_index_path_;
  artifact.content_type = ContentType(config_.csv);
  artifact.rows = static_cast<std::int64_t>(exported->rows);
  artifact.bytes = static_cast<std::int64_t>(exported->bytes);
  artifact.columns = ColumnsJson(exported->columns);
  artifact.format = formats::CsvOptionsToJson(config_.csv);
  artifact.sha256 = exported->sha256;
  artifact.created_at = clock_.Now();
  if (auto stored = store_.Artifacts().Create(artifact); !stored.ok()) {
    return RunOutcome::Failure(
        fmt::format("the file was written but its dataset version could not be stored: {}",
                    stored.error().message));
  }
  context_.Log("info", fmt::format("wrote {} rows, {} bytes to {} (sha256 {}); dataset '{}' is "
                                   "now version {}",
                                   exported->rows, exported->bytes, path_, exported->sha256,
                                   dataset_, artifact_id_));
  PruneVersions();
  return RunOutcome::Success({{"dataset", dataset_},
                              {"artifact_id", artifact_id_},
                              {"storage", config_.storage},
                              {"path", path_},
                              {"rows", exported->rows},
                              {"bytes", exported->bytes},
                              {"sha256", exported->sha256},
                              {"columns", exported->columns.size()}});
}

}  // namespace

Status SqlExport::ValidateConfig(const nlohmann::json& config) const {
  auto parsed = ParseSqlExportConfig(config);
  if (!parsed.ok()) return std::move(parsed).error();
  auto connection = store_.Connections().FindByName(parsed->connection);
  if (!connection.ok()) return std::move(connection).error();
  if (!connection->has_value()) {
    return Error::Validation("config.connection",
                             fmt::format("no connection named '{}'", parsed->connection));
  }
  if ((*connection)->kind == "storage") {
    return Error::Validation("config.connection",
                             fmt::format("'{}' is a storage connection; give a database connection",
                                         parsed->connection));
  }
  // The placeholders must be well-formed (unterminated literals, comments) before any run,
  // lexed as the connection's database lexes them.
  const auto kind = (*connection)->kind == "postgres" ? sources::SqlKind::kPostgres
                    : (*connection)->kind == "mysql"  ? sources::SqlKind::kMysql
                    : (*connection)->kind == "odbc"   ? sources::SqlKind::kOdbc
                                                      : sources::SqlKind::kSqlite;
  auto rewritten =
      sources::RewriteNamedParameters(parsed->query, sources::PlaceholderStyleFor(kind));
  if (!rewritten.ok()) return Error::Validation("config.query", rewritten.error().message);
  auto storage = store_.Connections().FindByName(parsed->storage);
  if (!storage.ok()) return std::move(storage).error();
  if (!storage->has_value() || (*storage)->kind != "storage") {
    return Error::Validation("config.output.storage",
                             fmt::format("no storage connection named '{}'", parsed->storage));
  }
  return Ok();
}

RunOutcome SqlExport::Run(runs::RunContext& context) const {
  ExportRun run(store_, connections_, clock_, default_timezone_, context);
  return run.Run();
}

}  // namespace batuta::runners
