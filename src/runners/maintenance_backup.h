#pragma once

#include <filesystem>

#include "runs/job_type.h"
#include "store/store.h"

namespace batuta::runners {

// `maintenance.backup`: an online, consistent copy of the store (Store::Backup) written to
// `<data dir>/<folder>/batuta-<UTC time>.db`, then the oldest such files beyond `keep` are
// deleted. Config: {"folder": "backups", "keep": 7}. `folder` is relative to the data dir and
// may not leave it.
class MaintenanceBackup final : public runs::JobType {
 public:
  MaintenanceBackup(Store& store, std::filesystem::path data_dir)
      : store_(store), data_dir_(std::move(data_dir)) {}
  std::string_view Name() const override { return "maintenance.backup"; }
  std::string_view Description() const override {
    return "Writes a consistent copy of batuta's store to a file in the data folder";
  }
  Status ValidateConfig(const nlohmann::json& config) const override;
  nlohmann::json ConfigFields() const override;
  runs::RunOutcome Run(runs::RunContext& context) const override;

 private:
  Store& store_;
  const std::filesystem::path data_dir_;
};

}  // namespace batuta::runners
