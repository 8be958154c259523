#pragma once

#include "runs/job_type.h"

namespace batuta::runners {

// `util.wait`: waits `seconds` (cancellable), logging every `log_every_seconds`. A delay step
// for workflows, and a harmless job to try schedules, overlap policies, timeouts and
// notifications with. Config: {"seconds": 60, "log_every_seconds": 10}; the run parameter
// `seconds`, when given, overrides the config.
class UtilWait final : public runs::JobType {
 public:
  std::string_view Name() const override { return "util.wait"; }
  std::string_view Description() const override {
    return "Waits a number of seconds; a delay step and a job to try the engine with";
  }
  Status ValidateConfig(const nlohmann::json& config) const override;
  nlohmann::json ConfigFields() const override;
  runs::RunOutcome Run(runs::RunContext& context) const override;
};

}  // namespace batuta::runners
