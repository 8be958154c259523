#pragma once

#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"

namespace batuta::sqlite {

// How the SQLite store keeps time points: RFC 3339 UTC text with milliseconds,
// "2026-11-23T14:05:09.123Z". Readable in the sqlite3 shell, and it sorts as text in time
// order (for years 1970-9999, the range of the store's clock). Sub-millisecond parts are
// dropped (rounded down).
std::string TimeToText(TimePoint t);

// The inverse of TimeToText; exactly that format, anything else is kInternal (the store only
// reads what it wrote, so a mismatch means a damaged or foreign row).
Result<TimePoint> TimeFromText(std::string_view text);

// `t` rounded down to the millisecond: what a time point reads back as after a round trip.
TimePoint TruncateToMillis(TimePoint t);

}  // namespace batuta::sqlite
