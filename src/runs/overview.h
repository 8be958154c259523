#pragma once

#include <date/tz.h>

#include <nlohmann/json.hpp>

#include "core/clock.h"
#include "core/result.h"
#include "store/store.h"

namespace batuta::runs {

// What the dashboard's home page shows, read from the store in one call (GET /api/v1/overview,
// shape in api/openapi.yaml, schema Overview).
struct OverviewRequest {
  TimePoint now;
  // Days are counted from midnight in this zone (DST-aware: a 23- or 25-hour day is one day).
  const date::time_zone* zone = nullptr;
  int days = 14;  // the window: today and the days before it, 1..kMaxOverviewDays
};

inline constexpr int kMaxOverviewDays = 90;
inline constexpr int kOverviewListLength = 10;   // recent failures, upcoming fires
inline constexpr int kOverviewRecentRuns = 200;  // points of the duration chart

// The overview as of `request.now`. Costs three indexed queries per day of the window
// plus a few bounded lists, whatever the number of runs stored.
Result<nlohmann::json> BuildOverview(Store& store, const OverviewRequest& request);

}  // namespace batuta::runs
