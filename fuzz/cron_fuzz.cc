// Fuzz target: cron parsing and next-fire search on untrusted expressions. Input layout: one
// byte picks the zone, eight bytes the start time, the rest is the expression. Invariants: no
// crash or sanitizer report; every next fire is strictly later than its start, is a fire time
// under the DST rules (IsFireTime), lies within the search horizon, and a search restarted one
// second before it finds it again.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "scheduler/next_fire.h"

namespace {

constexpr std::array<const char*, 10> kZones = {
    "UTC",           "America/Sao_Paulo",   "America/New_York", "Europe/London",
    "Europe/Dublin", "Australia/Lord_Howe", "Africa/Cairo",     "Pacific/Apia",
    "Asia/Kolkata",  "Pacific/Chatham"};

void Check(bool condition) {
  if (!condition) __builtin_trap();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr std::size_t kHeader = 9;
  if (size < kHeader) return 0;
  const char* zone = kZones[data[0] % kZones.size()];
  std::uint64_t raw = 0;
  std::memcpy(&raw, data + 1, sizeof(raw));
  // Starts between 1970 and about 2240, so that start + horizon stays inside TimePoint's range.
  const auto start = batuta::TimePoint(std::chrono::seconds(raw % 8'500'000'000ULL));
  const std::string_view expression(reinterpret_cast<const char*>(data + kHeader), size - kHeader);

  auto spec = batuta::scheduler::ScheduleSpec::FromCron(expression, zone);
  if (!spec.ok()) return 0;
  batuta::TimePoint cursor = start;
  for (int i = 0; i < 4; ++i) {
    const auto next = batuta::scheduler::NextFireAfter(*spec, cursor);
    if (!next) break;
    Check(*next > cursor);
    Check(*next - cursor <= batuta::scheduler::kSearchHorizon);
    Check(batuta::scheduler::IsFireTime(*spec, *next));
    const auto again = batuta::scheduler::NextFireAfter(*spec, *next - std::chrono::seconds(1));
    Check(again && *again == *next);
    cursor = *next;
  }
  return 0;
}
