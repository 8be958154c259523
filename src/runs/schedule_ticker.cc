#include "runs/schedule_ticker.h"

#include <spdlog/spdlog.h>

#include <algorithm>

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
    // The whole page in one transaction: with thousands of schedules due in the same second,
    // one commit per schedule would make the last ones late.
    std::vector<ScheduleAdvance> advances;
    std::vector<int> runs_per_advance;
    advances.reserve(due->size());
    for (const auto& schedule : *due) {
      auto advance = Plan(schedule, now);
      if (!advance) continue;
      runs_per_advance.push_back(static_cast<int>(std::count_if(
          advance->fires.begin(), advance->fires.end(), [](const auto& f) { return f.run; })));
      advances.push_back(std::move(*advance));
    }
    auto applied = store_.Schedules().AdvanceMany(advances);
    if (!applied.ok()) {
      spdlog::warn("scheduler: cannot fire {} schedules: {}", advances.size(),
                   applied.error().message);
      break;
    }
    for (std::size_t i = 0; i < applied->size(); ++i) {
      if ((*applied)[i]) queued += runs_per_advance[i];
    }
    if (queued > 0) engine_.Wake();
    if (static_cast<int>(due->size()) < kDueBatch) break;
  }
  return queued;
}

std::optional<ScheduleAdvance> ScheduleTicker::Plan(const ScheduleRecord& schedule, TimePoint now) {
  ScheduleAdvance advance;
  advance.schedule_id = schedule.id;
  advance.expected_next_fire_at = schedule.next_fire_at;
  advance.now = now;
  auto spec = scheduler::ScheduleSpecFromJson(schedule.spec);
  auto policy = scheduler::MisfirePolicyFromJson(schedule.misfire);
  if (!spec.ok() || !policy.ok()) {
    // Cannot happen for schedules saved through ScheduleService; parked (next_fire_at unset)
    // rather than retried on every pass.
    spdlog::error("scheduler: schedule {} is unreadable; it will not fire", schedule.id);
    return advance;
  }
  // next_fire_at is the first time not yet fired, so the fires to consider start at it.
  const TimePoint last = *schedule.next_fire_at - std::chrono::nanoseconds(1);
  const auto outcome = scheduler::ResolveMisfires(*spec, last, now, *policy);
  advance.next_fire_at = outcome.next_fire;

  auto job = store_.Jobs().FindById(schedule.job_id);
  if (!job.ok()) return std::nullopt;  // store trouble: try again at the next pass
  std::optional<JobSpec> job_spec;
  if (job->has_value()) {
    if (auto parsed = ParseJobSpec((*job)->definition); parsed.ok()) job_spec = *parsed;
  }
  const auth::Actor scheduler_actor = auth::Actor::System("scheduler");
  for (const TimePoint scheduled_for : outcome.fire_now) {
    FireOutcome fire;
    fire.scheduled_for = scheduled_for;
    if (!job_spec) {
      fire.skipped_reason = "job_unreadable";
    } else if (auto parameters = ResolveParameters(job_spec->parameters, nullptr);
               !parameters.ok()) {
      fire.skipped_reason = "parameters: " + parameters.error().message;
    } else {
      // Stamped when planned, not at the start of the pass, so queued_at - scheduled_for is
      // the real lateness of the fire.
      RunRecord run = NewRun(ids_.Next(), **job, *job_spec, std::move(parameters).value(),
                             "schedule", scheduler_actor, clock_.Now());
      run.schedule_id = schedule.id;
      run.scheduled_for = scheduled_for;
      fire.run = std::move(run);
    }
    advance.fires.push_back(std::move(fire));
  }
  advance.skip_if_job_active = job_spec && job_spec->policies.overlap == OverlapPolicy::kSkip;
  return advance;
}

}  // namespace batuta::runs
