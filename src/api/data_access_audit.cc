#include "api/data_access_audit.h"

#include <fmt/format.h>

namespace batuta::api {
namespace {

constexpr std::size_t kMaxWindows = 10'000;

}  // namespace

void DataAccessAudit::Record(const auth::Actor& actor, std::string_view dataset,
                             std::string_view what) {
  const TimePoint now = clock_.Now();
  const std::string key =
      fmt::format("{}\x1f{}\x1f{}\x1f{}", actor.kind, actor.id.value_or(actor.name), dataset, what);
  std::int64_t previous = 0;
  {
    std::lock_guard lock(mutex_);
    auto it = windows_.find(key);
    if (it != windows_.end() && now - it->second.opened < window_) {
      ++it->second.unrecorded;
      return;
    }
    if (it != windows_.end()) {
      previous = it->second.unrecorded;
      it->second = Window{now, 0};
    } else {
      if (windows_.size() >= kMaxWindows) {
        std::erase_if(windows_,
                      [&](const auto& entry) { return now - entry.second.opened >= window_; });
      }
      // Still full of open windows: recording every read is the honest fallback.
      if (windows_.size() < kMaxWindows) windows_.emplace(key, Window{now, 0});
    }
  }
  (void)audit_.Record(actor, "dataset.read", "dataset", dataset, "success",
                      {{"what", what}, {"reads_since_previous", previous}});
}

}  // namespace batuta::api
