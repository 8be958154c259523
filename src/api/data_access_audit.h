#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

#include "auth/audit_trail.h"
#include "core/clock.h"

namespace batuta::api {

// Audits reads of datasets without one entry per request, so a program polling the data API
// every second does not flood the append-only log: the first read of a dataset by an actor in
// a window is recorded ("dataset.read" with details {"what", "reads_since_previous"}); later
// reads in that window are only counted, and the count goes into the next recorded entry.
// The log thus says who read which dataset, how, and how often, at most once per actor,
// dataset and window. Memory is bounded: windows that ended are dropped as new ones open.
// Thread-safe.
class DataAccessAudit {
 public:
  DataAccessAudit(auth::AuditTrail& audit, const Clock& clock,
                  std::chrono::minutes window = std::chrono::minutes(15))
      : audit_(audit), clock_(clock), window_(window) {}

  // `what`: "rows" or "download".
  void Record(const auth::Actor& actor, std::string_view dataset, std::string_view what);

 private:
  struct Window {
    TimePoint opened;
    std::int64_t unrecorded = 0;  // reads counted since the last recorded entry
  };

  auth::AuditTrail& audit_;
  const Clock& clock_;
  const std::chrono::minutes window_;
  std::mutex mutex_;
  std::map<std::string, Window, std::less<>> windows_;  // guarded by mutex_
};

}  // namespace batuta::api
