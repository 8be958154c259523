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

// A file a run produced, kept in a storage connection. Immutable once stored.
struct ArtifactRecord {
  std::string id;  // a ULID: sorts by creation time
  std::string run_id;
  std::string job_id;
  std::string dataset;       // the dataset it is a version of; empty for none
  std::string storage;       // the storage connection's name
  std::string path;          // where users find the current file, relative to the root
  std::string kept_path;     // this version's own file (stays when `path` is replaced)
  std::string index_path;    // its row index, empty when none
  std::string content_type;  // "text/csv", "application/gzip"
  std::int64_t rows = 0;     // data rows, header excluded
  std::int64_t bytes = 0;    // file size
  nlohmann::json columns = nlohmann::json::array();  // [{"name","type","source_type"}] in order
  nlohmann::json format = nlohmann::json::object();  // how it is written (CSV options)
  std::string sha256;                                // lower-case hex of the file
  TimePoint created_at;
};

// The named, current version of an export, served by the data API.
struct DatasetRecord {
  std::string name;
  std::string job_id;
  ArtifactRecord current;
  TimePoint updated_at;
};

// Artifacts and the datasets pointing at them. Thread-safe.
class ArtifactRepository {
 public:
  virtual ~ArtifactRepository() = default;

  // Stores the artifact. When `artifact.dataset` is set, also makes it that dataset's current
  // version (creating the dataset), in the same transaction: readers see the old version or
  // the new one. kConflict when the id is taken.
  virtual Status Create(const ArtifactRecord& artifact) = 0;
  virtual Result<std::optional<ArtifactRecord>> FindById(std::string_view id) = 0;
  // Oldest first.
  virtual Result<std::vector<ArtifactRecord>> ListByRun(std::string_view run_id) = 0;
  // The versions of a dataset, newest first, at most `limit`.
  virtual Result<std::vector<ArtifactRecord>> ListVersions(std::string_view dataset, int limit) = 0;
  // kNotFound for an unknown id; kConflict when it is a dataset's current version.
  virtual Status Delete(std::string_view id) = 0;

  // Ordered by name.
  virtual Result<std::vector<DatasetRecord>> ListDatasets() = 0;
  virtual Result<std::optional<DatasetRecord>> FindDataset(std::string_view name) = 0;
  // Removes the dataset name (its artifacts stay until deleted). kNotFound when unknown.
  virtual Status DeleteDataset(std::string_view name) = 0;
};

}  // namespace batuta
