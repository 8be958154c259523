#include "core/clock.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <string>

namespace batuta {

SystemClock& SystemClock::Instance() {
  static SystemClock clock;
  return clock;
}

TimePoint ManualClock::Now() const {
  std::lock_guard lock(mutex_);
  return now_;
}

void ManualClock::Set(TimePoint t) {
  std::lock_guard lock(mutex_);
  now_ = t;
}

void ManualClock::Advance(std::chrono::nanoseconds d) {
  std::lock_guard lock(mutex_);
  now_ += std::chrono::duration_cast<TimePoint::duration>(d);
}

std::string FormatRfc3339(TimePoint t) {
  const auto ms = std::chrono::time_point_cast<std::chrono::milliseconds>(t);
  const auto secs = std::chrono::time_point_cast<std::chrono::seconds>(ms);
  const auto millis = (ms - secs).count();
  return fmt::format("{:%Y-%m-%dT%H:%M:%S}.{:03d}Z",
                     fmt::gmtime(std::chrono::system_clock::to_time_t(secs)),
                     millis < 0 ? 0 : millis);
}

}  // namespace batuta
