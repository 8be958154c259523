#include "runs/schedule_ticker.h"

#include <spdlog/spdlog.h>

#include "runs/job_spec.h"
#include "runs/new_run.h"
#include "runs/run_parameters.h"
#include "scheduler/misfire.h"
#include "scheduler/schedule_spec.h"

namespace batuta::runs {
namespace {

constexpr int kDueBatch = 500;

}  // namespace

ScheduleTicker::~ScheduleTicker() { Stop(); }

void ScheduleTicker::Start() {
  const std::lock_guard lock(mutex_);
  if (loop_.joinable() || stopping_) return;
  loop_ = std::thread([this] { Loop(); });
}

void ScheduleTicker::Stop() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (loop_.joinable()) loop_.join();
}

void ScheduleTicker::Wake() {
  {
    const std::lock_guard lock(mutex_);
    wake_ = true;
  }
  changed_.notify_all();
}

void ScheduleTicker::Loop() {
  while (true) {
    Tick();
    auto wait = poll_interval_;
    if (auto next = store_.Schedules().EarliestNextFire(); next.ok() && next->has_value()) {
      const auto until = std::chrono::duration_cast<std::chrono::milliseconds>(
          **next - clock_.Now() + std::chrono::microseconds(500));
      wait = std::clamp(until, std::chrono::milliseconds(0), poll_interval_);
    }
    std::unique_lock lock(mutex_);
    changed_.wait_for(lock, wait, [this] { return wake_ || stopping_; });
    if (stopping_) return;
    wake_ = false;
  }
}

int ScheduleTicker::Tick() {
  const std::lock_guard tick(tick_mutex_);
  const TimePoint now = clock_.Now();
  int queued = 0;
  while (true) {
    auto due = store_.Schedules().ListDue(now, kDueBatch);
    if (!due.ok()) {
      spdlog::warn("scheduler: cannot list due schedules: {}", due.error().message);
      break;
    }
    for (const auto& schedule : *due) queued += Fire(schedule, now);
    if (static_cast<int>(due->size()) < kDueBatch) break;
  }
  if (queued > 0) engine_.Wake();
  return queued;
}

int ScheduleTicker::Fire(const ScheduleRecord& schedule, TimePoint now) {
  ScheduleAdvance advance;
  advance.schedule_id = schedule.id;
  advance.expected_next_fire_at = schedule.next_fire_at;
  advance.now = now;
  auto spec = scheduler::ScheduleSpecFromJson(schedule.spec);
  auto policy = scheduler::MisfirePolicyFromJson(schedule.misfire);
  if (!spec.ok() || !policy.ok()) {
    // Cannot happen for schedules saved through ScheduleService; parked rather than retried.
    spdlog::error("scheduler: schedule {} is unreadable; it will not fire", schedule.id);
    (void)store_.Schedules().Advance(advance);
    return 0;
  }
  // next_fire_at is the first time not yet fired, so the fires to consider start at it.
  const TimePoint last = *schedule.next_fire_at - std::chrono::nanoseconds(1);
  const auto outcome = scheduler::ResolveMisfires(*spec, last, now, *policy);
  advance.next_fire_at = outcome.next_fire;

  auto job = store_.Jobs().FindById(schedule.job_id);
  if (!job.ok()) return 0;  // store trouble: try again at the next tick
  std::optional<JobSpec> job_spec;
  if (job->has_value()) {
    if (auto parsed = ParseJobSpec((*job)->definition); parsed.ok()) job_spec = *parsed;
  }
  const auth::Actor scheduler_actor = auth::Actor::System("scheduler");
  int queued = 0;
  for (const TimePoint scheduled_for : outcome.fire_now) {
    FireOutcome fire;
    fire.scheduled_for = scheduled_for;
    if (!job_spec) {
      fire.skipped_reason = "job_unreadable";
    } else if (auto parameters = ResolveParameters(job_spec->parameters, nullptr);
               !parameters.ok()) {
      fire.skipped_reason = "parameters: " + parameters.error().message;
    } else {
      RunRecord run = NewRun(ids_.Next(), **job, *job_spec, std::move(parameters).value(),
                             "schedule", scheduler_actor, now);
      run.schedule_id = schedule.id;
      run.scheduled_for = scheduled_for;
      fire.run = std::move(run);
      ++queued;
    }
    advance.fires.push_back(std::move(fire));
  }
  advance.skip_if_job_active = job_spec && job_spec->policies.overlap == OverlapPolicy::kSkip;
  auto advanced = store_.Schedules().Advance(advance);
  if (!advanced.ok()) {
    spdlog::warn("scheduler: cannot fire schedule {}: {}", schedule.id, advanced.error().message);
    return 0;
  }
  return *advanced ? queued : 0;
}

}  // namespace batuta::runs
