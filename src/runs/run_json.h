#pragma once

#include <nlohmann/json.hpp>

#include "store/run_repository.h"

namespace batuta::runs {

// The API's representation of a run (also the payload of its live status events). Lease
// details other than the owner are internal and left out.
nlohmann::json RunJson(const RunRecord& run);

}  // namespace batuta::runs
