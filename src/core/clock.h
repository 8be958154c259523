#pragma once

#include <chrono>
#include <mutex>

namespace batuta {

using TimePoint = std::chrono::system_clock::time_point;

// The only source of "now" in batuta. Production code takes a Clock& so tests can inject
// ManualClock and stay deterministic. Implementations are thread-safe.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
};

class SystemClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
  // A process-wide instance for wiring in app/main.cc.
  static SystemClock& Instance();
};

// A clock that only moves when told to. For tests.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(TimePoint start) : now_(start) {}
  TimePoint Now() const override;
  void Set(TimePoint t);
  void Advance(std::chrono::nanoseconds d);

 private:
  mutable std::mutex mutex_;
  TimePoint now_;
};

// RFC 3339 UTC timestamp with millisecond precision: "2026-11-23T14:05:09.123Z".
std::string FormatRfc3339(TimePoint t);

}  // namespace batuta
