#include "runs/backoff.h"

#include <algorithm>
#include <cmath>

namespace batuta::runs {

std::chrono::milliseconds RetryDelay(const RetryPolicy& policy, int failed_attempt,
                                     std::uint64_t random) {
  const double initial = static_cast<double>(policy.initial_backoff.count());
  const double maximum = static_cast<double>(policy.max_backoff.count());
  const double exponent = std::max(0, failed_attempt - 1);
  // Computed in double and capped before converting, so huge exponents cannot overflow.
  const double base = std::min(maximum, initial * std::pow(policy.multiplier, exponent));
  auto base_ms = static_cast<std::int64_t>(base);
  if (!policy.jitter || base_ms < 2) return std::chrono::milliseconds(base_ms);
  const std::int64_t half = base_ms / 2;
  const auto span = static_cast<std::uint64_t>(base_ms - half + 1);
  return std::chrono::milliseconds(half + static_cast<std::int64_t>(random % span));
}

}  // namespace batuta::runs
