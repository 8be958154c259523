#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "connections/connection_service.h"
#include "datasets/dataset_query.h"
#include "store/artifact_repository.h"

namespace batuta::api {

// Finds the files of an artifact (its kept version and row index) in its storage, and keeps
// the row indexes of recently read versions loaded, so a page costs one store read and the
// rows it returns. Versions are immutable, so a cached index never goes stale.
// Thread-safe.
class DatasetFiles {
 public:
  explicit DatasetFiles(connections::ConnectionService& connections) : connections_(connections) {}

  // What the data API's query needs: file, index, options, columns. kInternal when the
  // artifact's record is unreadable; kNotFound when its storage is gone.
  Result<datasets::DatasetInfo> Describe(const ArtifactRecord& artifact);
  // The absolute path of the artifact's kept file.
  Result<std::filesystem::path> KeptFile(const ArtifactRecord& artifact);

 private:
  static constexpr std::size_t kCachedIndexes = 64;

  connections::ConnectionService& connections_;
  std::mutex mutex_;
  // Artifact id -> index; the oldest ids are evicted first (ids sort by creation time, and
  // new versions are read most).
  std::map<std::string, std::shared_ptr<const datasets::RowIndex>> indexes_;  // guarded
};

}  // namespace batuta::api
