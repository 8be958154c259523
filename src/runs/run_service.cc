#include "runs/run_service.h"

#include <fmt/format.h>

#include "runs/job_spec.h"
#include "runs/new_run.h"
#include "runs/run_parameters.h"

namespace batuta::runs {
namespace {

std::string_view OutcomeOf(const Status& status) {
  if (status.ok()) return "success";
  return status.error().code == ErrorCode::kValidation ? "invalid" : "failure";
}

}  // namespace

Result<RunRecord> RunService::Trigger(std::string_view job_id, const nlohmann::json& parameters,
                                      std::string_view trigger, const auth::Actor& actor) {
  auto job = store_.Jobs().FindById(job_id);
  if (!job.ok()) return std::move(job).error();
  if (!job->has_value()) return Error::NotFound(fmt::format("no job with id '{}'", job_id));
  auto spec = ParseJobSpec((*job)->definition);
  if (!spec.ok())
    return Error::Internal("stored job definition is invalid: " + spec.error().message);
  auto resolved = ResolveParameters(spec->parameters, parameters);
  if (!resolved.ok()) {
    (void)audit_.Record(actor, "run.trigger", "job", job_id, "invalid",
                        {{"error", resolved.error().message}});
    return std::move(resolved).error();
  }
  RunRecord run = NewRun(ids_.Next(), **job, *spec, std::move(resolved).value(),
                         std::string(trigger), actor, clock_.Now());
  auto queued = store_.Runs().Enqueue(run);
  (void)audit_.Record(actor, "run.trigger", "run", run.id, OutcomeOf(queued),
                      {{"job_id", run.job_id}, {"job_name", run.job_name}});
  if (!queued.ok()) return std::move(queued).error();
  engine_.Wake();
  return run;
}

Result<RunRecord> RunService::Cancel(std::string_view run_id, const auth::Actor& actor) {
  auto cancelled = store_.Runs().RequestCancel(run_id, clock_.Now());
  (void)audit_.Record(actor, "run.cancel", "run", run_id, cancelled.ok() ? "success" : "failure");
  if (!cancelled.ok()) return std::move(cancelled).error();
  if (cancelled->status == RunStatus::kRunning) engine_.CancelLocal(run_id);
  return cancelled;
}

Result<RunRecord> RunService::Rerun(std::string_view run_id, const auth::Actor& actor) {
  auto previous = store_.Runs().FindById(run_id);
  if (!previous.ok()) return std::move(previous).error();
  if (!previous->has_value()) return Error::NotFound(fmt::format("no run with id '{}'", run_id));
  if (!IsTerminal((*previous)->status)) {
    return Error::Conflict("the run has not finished; cancel it first or wait");
  }
  auto job = store_.Jobs().FindById((*previous)->job_id);
  if (!job.ok()) return std::move(job).error();
  if (!job->has_value()) return Error::NotFound("the run's job has been deleted");
  auto spec = ParseJobSpec((*job)->definition);
  if (!spec.ok())
    return Error::Internal("stored job definition is invalid: " + spec.error().message);
  // The parameters are checked again: the job's declarations may have changed since.
  auto resolved = ResolveParameters(spec->parameters, (*previous)->parameters);
  if (!resolved.ok()) return std::move(resolved).error();
  RunRecord run =
      NewRun(ids_.Next(), **job, *spec, std::move(resolved).value(), "rerun", actor, clock_.Now());
  run.rerun_of = std::string(run_id);
  auto queued = store_.Runs().Enqueue(run);
  (void)audit_.Record(actor, "run.rerun", "run", run.id, OutcomeOf(queued),
                      {{"rerun_of", std::string(run_id)}, {"job_name", run.job_name}});
  if (!queued.ok()) return std::move(queued).error();
  engine_.Wake();
  return run;
}

Result<RunRecord> RunService::Get(std::string_view run_id) {
  auto run = store_.Runs().FindById(run_id);
  if (!run.ok()) return std::move(run).error();
  if (!run->has_value()) return Error::NotFound(fmt::format("no run with id '{}'", run_id));
  return std::move(**run);
}

}  // namespace batuta::runs
