#pragma once

#include <nlohmann/json.hpp>
#include <vector>

#include "core/result.h"
#include "runs/job_spec.h"

namespace batuta::runs {

// The parameters a run gets: `given` checked against the job's declarations, with defaults
// filled in. kValidation naming "parameters.<name>" for an undeclared name, a value of the
// wrong type, or a missing required value. `given` may be null (no parameters).
Result<nlohmann::json> ResolveParameters(const std::vector<ParameterSpec>& declared,
                                         const nlohmann::json& given);

}  // namespace batuta::runs
