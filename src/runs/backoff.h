#pragma once

#include <chrono>
#include <cstdint>

#include "runs/job_spec.h"

namespace batuta::runs {

// The wait before the attempt after `failed_attempt` (1 = the first attempt failed):
// base = min(max_backoff, initial_backoff * multiplier^(failed_attempt - 1)); with jitter, a
// value drawn uniformly from [base/2, base] by `random` (a uniform 64-bit value), so retries
// of many runs that failed together spread out instead of hitting a system at once.
std::chrono::milliseconds RetryDelay(const RetryPolicy& policy, int failed_attempt,
                                     std::uint64_t random);

}  // namespace batuta::runs
