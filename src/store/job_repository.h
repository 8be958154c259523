#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"

namespace batuta {

// A job as stored: its identity, its enabled flag and its current version's definition.
// `definition` is the whole versioned document (name, description, tags, type, config,
// parameters, policies) as validated by the engine (runs/job_spec.h); the store keeps it as
// JSON and never interprets it, except `name`, which it keeps unique.
struct JobRecord {
  std::string id;
  std::string name;  // unique among jobs that are not deleted
  bool enabled = true;
  std::int64_t version = 1;  // the current version: 1, 2, ... one per edit
  nlohmann::json definition = nlohmann::json::object();
  TimePoint created_at;
  TimePoint updated_at;
  std::string updated_by;  // actor name of the last edit
};

// One immutable version of a job's definition.
struct JobVersionRecord {
  std::string job_id;
  std::int64_t version = 0;
  nlohmann::json definition = nlohmann::json::object();
  TimePoint created_at;
  std::string created_by;
};

struct JobFilter {
  std::optional<std::string> tag;
  std::optional<std::string> type;
  std::optional<bool> enabled;
  std::optional<std::string> after_name;  // paging: names strictly after this one
  int limit = 100;
};

struct JobCounts {
  std::int64_t total = 0;
  std::int64_t enabled = 0;
};

// Jobs and their version history. Thread-safe; times are given by the caller.
class JobRepository {
 public:
  virtual ~JobRepository() = default;

  // Stores `job` as version 1 (its version field is ignored). kConflict when the name is taken.
  virtual Status Create(const JobRecord& job) = 0;

  // Stores `definition` as the next version when the current version is `expected_version`
  // (compare-and-set), renaming the job to `name`; returns the job as stored. kNotFound for an
  // unknown id, kConflict when another edit came first or the name is taken.
  virtual Result<JobRecord> Update(std::string_view id, std::int64_t expected_version,
                                   std::string_view name, const nlohmann::json& definition,
                                   TimePoint now, std::string_view actor) = 0;

  // kNotFound for an unknown id. Does not make a new version.
  virtual Status SetEnabled(std::string_view id, bool enabled, TimePoint now) = 0;

  // Deletes the job with its versions and schedules; its runs stay (history), orphaned from
  // the job except by id. kNotFound for an unknown id.
  virtual Status Delete(std::string_view id) = 0;

  virtual Result<std::optional<JobRecord>> FindById(std::string_view id) = 0;
  virtual Result<std::optional<JobRecord>> FindByName(std::string_view name) = 0;
  // Ordered by name.
  virtual Result<std::vector<JobRecord>> List(const JobFilter& filter) = 0;
  virtual Result<JobCounts> Count() = 0;

  // kNotFound when the job or that version does not exist.
  virtual Result<JobVersionRecord> FindVersion(std::string_view job_id, std::int64_t version) = 0;
  // Newest first.
  virtual Result<std::vector<JobVersionRecord>> ListVersions(std::string_view job_id) = 0;
};

}  // namespace batuta
