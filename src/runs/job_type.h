#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "runs/cancel_token.h"
#include "runs/job_spec.h"
#include "store/run_repository.h"

namespace batuta::runs {

// What a running job sees of the engine. Implemented by the engine for each execution;
// valid for the duration of JobType::Run only. Thread-safe: a runner may log from helper
// threads it starts (and joins before returning).
class RunContext {
 public:
  virtual ~RunContext() = default;

  virtual const RunRecord& run() const = 0;
  virtual const JobSpec& spec() const = 0;
  // The resolved parameters (declared defaults filled in).
  const nlohmann::json& parameters() const { return run().parameters; }
  virtual const Clock& clock() const = 0;
  virtual const CancelToken& cancel() const = 0;

  // Appends one line to the run's log (masked, stored and streamed live). Levels: "debug",
  // "info", "warn", "error".
  virtual void Log(std::string_view level, std::string_view message) = 0;
  // Replaces the run's progress document (for example {"rows": 1200, "of": 5000}); shown in
  // the run and sent to live subscribers. Cheap to call often: the engine coalesces writes.
  virtual void ReportProgress(const nlohmann::json& progress) = 0;
  // From now on, `value` is replaced with **** in this run's log lines (also encoded forms).
  virtual void RegisterSecret(std::string_view value) = 0;
};

// How a run ended, as the runner saw it. The engine decides timed_out and cancelled itself
// (from the cancel token), so a runner only says whether its work succeeded.
struct RunOutcome {
  bool succeeded = false;
  nlohmann::json result = nlohmann::json::object();
  std::string error;  // why it failed; shown to users, so no secrets

  static RunOutcome Success(nlohmann::json result = nlohmann::json::object()) {
    return {true, std::move(result), {}};
  }
  static RunOutcome Failure(std::string error) { return {false, {}, std::move(error)}; }
};

// One kind of job ("maintenance.prune", "sql_export"): validates its config and runs it.
// Implementations are stateless or thread-safe: Run is called concurrently for different
// runs, on executor threads.
class JobType {
 public:
  virtual ~JobType() = default;

  virtual std::string_view Name() const = 0;
  virtual std::string_view Description() const = 0;
  // kValidation naming the field as "config.<field>" when `config` is not acceptable.
  virtual Status ValidateConfig(const nlohmann::json& config) const = 0;
  // The config's fields, for forms (GET /api/v1/job-types, schema JobConfigField): each
  // {"name", "type" ("integer", "number" or "string"), "required", "default", "minimum",
  // "maximum", "help"}, minimum and maximum only for numbers. Empty: the config is described
  // elsewhere (sql_export has its own form) or is free-form JSON.
  virtual nlohmann::json ConfigFields() const { return nlohmann::json::array(); }
  // Does the work. Must return soon after context.cancel() is cancelled. At its timeout the
  // run is marked timed_out at once and the token cancelled; a runner that then does not
  // return within the engine's abandon_grace is abandoned (its slot freed, its output
  // ignored).
  virtual RunOutcome Run(RunContext& context) const = 0;
};

// The job types a server knows. Filled at start-up (app/), read-only afterwards, so
// concurrent reads need no lock.
class JobTypeRegistry {
 public:
  // Asserts that the name is not taken.
  void Add(std::unique_ptr<JobType> type);
  const JobType* Find(std::string_view name) const;
  std::vector<const JobType*> List() const;  // by name

 private:
  std::map<std::string, std::unique_ptr<JobType>, std::less<>> types_;
};

}  // namespace batuta::runs
