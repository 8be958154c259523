#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "auth/audit_trail.h"
#include "runs/job_spec.h"
#include "store/job_repository.h"
#include "store/run_repository.h"

namespace batuta::runs {

// A queued first attempt of `job`'s current version, available now, with the job's policies
// (timeout, attempts, concurrency) copied into it. `parameters` must be resolved already
// (run_parameters.h).
RunRecord NewRun(std::string id, const JobRecord& job, const JobSpec& spec,
                 nlohmann::json parameters, std::string trigger, const auth::Actor& actor,
                 TimePoint now);

}  // namespace batuta::runs
