#pragma once

#include "store/job_repository.h"
#include "store/sqlite/connection_pool.h"

namespace batuta::sqlite {

// JobRepository on the jobs and job_versions tables (migration 0003). jobs.definition is a
// copy of the current version's document, so reading a job needs no join. Deleting a job
// cascades to its versions, schedules and their fires; runs keep their job_id.
//
// The tag and type filters read the definition JSON (json_each over "$.tags", json_extract of
// "$.type") instead of normalized columns: jobs number in the hundreds, so the scan is cheap,
// and the store keeps no second copy of what the definition already says.
// Thread-safe through the pool, which must outlive it.
class SqliteJobRepository final : public JobRepository {
 public:
  explicit SqliteJobRepository(ConnectionPool& pool) : pool_(pool) {}

  Status Create(const JobRecord& job) override;
  Result<JobRecord> Update(std::string_view id, std::int64_t expected_version,
                           std::string_view name, const nlohmann::json& definition, TimePoint now,
                           std::string_view actor) override;
  Status SetEnabled(std::string_view id, bool enabled, TimePoint now) override;
  Status Delete(std::string_view id) override;
  Result<std::optional<JobRecord>> FindById(std::string_view id) override;
  Result<std::optional<JobRecord>> FindByName(std::string_view name) override;
  Result<std::vector<JobRecord>> List(const JobFilter& filter) override;
  Result<JobCounts> Count() override;
  Result<JobVersionRecord> FindVersion(std::string_view job_id, std::int64_t version) override;
  Result<std::vector<JobVersionRecord>> ListVersions(std::string_view job_id) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace batuta::sqlite
