#pragma once

#include "runs/job_type.h"
#include "store/store.h"

namespace batuta::runners {

// `maintenance.prune`: deletes finished runs and their logs older than `older_than_days`,
// keeping the newest `keep_per_job` finished runs of every job whatever their age, so a job
// that runs once a year keeps its history. Config: {"older_than_days": 30, "keep_per_job": 10}.
class MaintenancePrune final : public runs::JobType {
 public:
  explicit MaintenancePrune(Store& store) : store_(store) {}
  std::string_view Name() const override { return "maintenance.prune"; }
  std::string_view Description() const override {
    return "Deletes old finished runs and their logs, keeping the newest of each job";
  }
  Status ValidateConfig(const nlohmann::json& config) const override;
  nlohmann::json ConfigFields() const override;
  runs::RunOutcome Run(runs::RunContext& context) const override;

 private:
  Store& store_;
};

}  // namespace batuta::runners
