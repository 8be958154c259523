#include "runs/new_run.h"

namespace batuta::runs {

RunRecord NewRun(std::string id, const JobRecord& job, const JobSpec& spec,
                 nlohmann::json parameters, std::string trigger, const auth::Actor& actor,
                 TimePoint now) {
  RunRecord run;
  run.root_run_id = id;
  run.id = std::move(id);
  run.job_id = job.id;
  run.job_name = job.name;
  run.job_version = job.version;
  run.status = RunStatus::kQueued;
  run.trigger = std::move(trigger);
  run.actor_kind = actor.kind;
  run.actor_name = actor.name;
  run.actor_id = actor.id;
  run.parameters = std::move(parameters);
  run.attempt = 1;
  run.max_attempts = 1 + spec.policies.retries.count;
  run.timeout = spec.policies.timeout;
  run.max_concurrent = MaxConcurrent(spec.policies);
  run.queued_at = now;
  run.available_at = now;
  return run;
}

}  // namespace batuta::runs
