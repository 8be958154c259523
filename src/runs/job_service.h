#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <vector>

#include "auth/audit_trail.h"
#include "core/clock.h"
#include "core/id.h"
#include "runs/job_spec.h"
#include "runs/job_type.h"
#include "store/store.h"

namespace batuta::runs {

// Creating, editing, enabling and deleting jobs. A definition is validated as a whole before
// anything is stored: the spec (job_spec.h), then the type's own config rules; errors name
// the field. Every edit stores a new version; every change is audited. Thread-safe.
class JobService {
 public:
  JobService(Store& store, const JobTypeRegistry& types, auth::AuditTrail& audit,
             const Clock& clock)
      : store_(store), types_(types), audit_(audit), clock_(clock), ids_(clock) {}

  // Called after any change that may move a schedule (enable, disable, delete); the
  // scheduler re-reads its next fire time. Set once at start-up.
  void SetChangeListener(std::function<void()> listener) { on_change_ = std::move(listener); }

  // Validates `definition` without storing it: the canonical spec, or the first problem.
  Result<JobSpec> Validate(const nlohmann::json& definition) const;

  Result<JobRecord> Create(const nlohmann::json& definition, bool enabled,
                           const auth::Actor& actor);
  // Stores `definition` as the next version. With `expected_version` the edit applies only
  // on top of that version (kConflict otherwise), so two people editing at once cannot
  // silently overwrite each other.
  Result<JobRecord> Update(std::string_view id, const nlohmann::json& definition,
                           std::optional<std::int64_t> expected_version, const auth::Actor& actor);
  Result<JobRecord> SetEnabled(std::string_view id, bool enabled, const auth::Actor& actor);
  Status Delete(std::string_view id, const auth::Actor& actor);

  // kNotFound for an unknown id.
  Result<JobRecord> Get(std::string_view id);

 private:
  void Changed() const;

  Store& store_;
  const JobTypeRegistry& types_;
  auth::AuditTrail& audit_;
  const Clock& clock_;
  IdGenerator ids_;
  std::function<void()> on_change_;
};

}  // namespace batuta::runs
