#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/audit_trail.h"
#include "core/clock.h"
#include "core/id.h"
#include "runs/engine.h"
#include "store/store.h"

namespace batuta::runs {

// What people and programs do with runs: start one, cancel one, run a finished one again,
// and read them. Every change is audited. Thread-safe.
class RunService {
 public:
  RunService(Store& store, Engine& engine, auth::AuditTrail& audit, const Clock& clock)
      : store_(store), engine_(engine), audit_(audit), clock_(clock), ids_(clock) {}

  // Queues a run of the job's current version with `parameters` (checked against the
  // job's declarations: kValidation naming "parameters.<name>"). `trigger` is "manual"
  // (a person, through a session) or "api" (an API key). Works for disabled jobs too:
  // disabling stops schedules, not people. kNotFound for an unknown job.
  Result<RunRecord> Trigger(std::string_view job_id, const nlohmann::json& parameters,
                            std::string_view trigger, const auth::Actor& actor);

  // A queued run ends cancelled at once; a running one is told to stop (here at once, on
  // another node at its next heartbeat). kNotFound / kConflict (already finished).
  Result<RunRecord> Cancel(std::string_view run_id, const auth::Actor& actor);

  // Queues the finished run's job again (its current version) with the same parameters,
  // linked by rerun_of. kConflict while the run is queued or running.
  Result<RunRecord> Rerun(std::string_view run_id, const auth::Actor& actor);

  Result<RunRecord> Get(std::string_view run_id);

 private:
  Store& store_;
  Engine& engine_;
  auth::AuditTrail& audit_;
  const Clock& clock_;
  IdGenerator ids_;
};

}  // namespace batuta::runs
