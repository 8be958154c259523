#pragma once

#include "store/artifact_repository.h"
#include "store/sqlite/connection_pool.h"

namespace batuta::sqlite {

// ArtifactRepository on the artifacts and datasets tables (migration 0004). A dataset row
// points at its current artifact with ON DELETE RESTRICT, so the current version cannot be
// deleted; publishing a new version is one transaction (insert artifact, upsert dataset).
// Thread-safe through the pool, which must outlive it.
class SqliteArtifactRepository final : public ArtifactRepository {
 public:
  explicit SqliteArtifactRepository(ConnectionPool& pool) : pool_(pool) {}

  Status Create(const ArtifactRecord& artifact) override;
  Result<std::optional<ArtifactRecord>> FindById(std::string_view id) override;
  Result<std::vector<ArtifactRecord>> ListByRun(std::string_view run_id) override;
  Result<std::vector<ArtifactRecord>> ListVersions(std::string_view dataset, int limit) override;
  Status Delete(std::string_view id) override;
  Result<std::vector<DatasetRecord>> ListDatasets() override;
  Result<std::optional<DatasetRecord>> FindDataset(std::string_view name) override;
  Status DeleteDataset(std::string_view name) override;

 private:
  ConnectionPool& pool_;
};

}  // namespace batuta::sqlite
