#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string_view>
#include <vector>

#include "auth/audit_trail.h"
#include "core/clock.h"
#include "core/id.h"
#include "store/store.h"

namespace batuta::runs {

// Attaching schedules to jobs. A schedule body is the spec (scheduler/schedule_spec.h: a
// "cron" or "weekdays" + "times", and a "timezone", default the server's), optionally
// "misfire" (scheduler/misfire.h, default skip) and "enabled" (default true). Saving computes
// the next fire time from now; from then on the ticker moves it from each scheduled time.
// Changes are audited and reach the ticker at once. Thread-safe.
class ScheduleService {
 public:
  ScheduleService(Store& store, auth::AuditTrail& audit, const Clock& clock,
                  std::string default_timezone)
      : store_(store),
        audit_(audit),
        clock_(clock),
        ids_(clock),
        default_timezone_(std::move(default_timezone)) {}

  // Called after every change (the ticker re-reads its next wake-up). Set once at start-up.
  void SetChangeListener(std::function<void()> listener) { on_change_ = std::move(listener); }

  Result<ScheduleRecord> Create(std::string_view job_id, const nlohmann::json& body,
                                const auth::Actor& actor);
  Result<ScheduleRecord> Update(std::string_view id, const nlohmann::json& body,
                                const auth::Actor& actor);
  Status Delete(std::string_view id, const auth::Actor& actor);
  Result<ScheduleRecord> Get(std::string_view id);

  // What a body would do, without saving: {"description": {"en","pt-BR"}, "next": [...]}.
  Result<nlohmann::json> Preview(const nlohmann::json& body, int count) const;

  // The zone of schedules that name none (the server's `timezone` setting).
  const std::string& default_timezone() const { return default_timezone_; }

  // The API's JSON of a schedule, with its description and next `count` fire times.
  nlohmann::json ToJson(const ScheduleRecord& schedule, int count) const;

 private:
  // Validated and canonical: {"spec": ..., "misfire": ..., "enabled": ...}.
  Result<nlohmann::json> Canonical(const nlohmann::json& body) const;
  void Changed() const;

  Store& store_;
  auth::AuditTrail& audit_;
  const Clock& clock_;
  IdGenerator ids_;
  const std::string default_timezone_;
  std::function<void()> on_change_;
};

}  // namespace batuta::runs
