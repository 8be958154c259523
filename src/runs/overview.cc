#include "runs/overview.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace batuta::runs {
namespace {

using std::chrono::milliseconds;

// Far enough ahead that every enabled schedule's next fire is before it.
constexpr auto kUpcomingHorizon = std::chrono::days(400);

nlohmann::json OptionalMillis(const std::optional<milliseconds>& value) {
  return value ? nlohmann::json(value->count()) : nlohmann::json();
}

std::optional<milliseconds> Duration(const RunRecord& run) {
  if (!run.started_at || !run.finished_at) return std::nullopt;
  return std::chrono::duration_cast<milliseconds>(*run.finished_at - *run.started_at);
}

nlohmann::json OverviewRunJson(const RunRecord& run) {
  return {{"run_id", run.id},
          {"job_id", run.job_id},
          {"job_name", run.job_name},
          {"status", RunStatusName(run.status)},
          {"trigger", run.trigger},
          {"queued_at", FormatRfc3339(run.queued_at)},
          {"finished_at",
           run.finished_at ? nlohmann::json(FormatRfc3339(*run.finished_at)) : nlohmann::json()},
          {"duration_ms", OptionalMillis(Duration(run))},
          {"error", run.error}};
}

// Midnight of `day` in `zone`; a midnight skipped by a DST change is the first instant after it.
TimePoint StartOf(date::local_days day, const date::time_zone& zone) {
  return zone.to_sys(date::local_seconds(day), date::choose::earliest);
}

std::int64_t Failed(const RunWindowSummary& summary) {
  return summary.count(RunStatus::kFailed) + summary.count(RunStatus::kTimedOut);
}

// The newest failed or timed-out runs, newest first (ids sort by queue time).
Result<std::vector<RunRecord>> RecentFailures(Store& store) {
  std::vector<RunRecord> failures;
  for (const RunStatus status : {RunStatus::kFailed, RunStatus::kTimedOut}) {
    RunFilter filter;
    filter.status = status;
    filter.limit = kOverviewListLength;
    auto found = store.Runs().List(filter);
    if (!found.ok()) return std::move(found).error();
    std::move(found->begin(), found->end(), std::back_inserter(failures));
  }
  std::sort(failures.begin(), failures.end(),
            [](const RunRecord& a, const RunRecord& b) { return a.id > b.id; });
  if (failures.size() > kOverviewListLength) failures.resize(kOverviewListLength);
  return failures;
}

Result<nlohmann::json> UpcomingFires(Store& store, TimePoint now) {
  // ListDue with a bound far ahead is exactly "the soonest next fires of enabled schedules of
  // enabled jobs"; a schedule still due (its fire not yet taken) shows with its past time.
  auto schedules = store.Schedules().ListDue(now + kUpcomingHorizon, kOverviewListLength);
  if (!schedules.ok()) return std::move(schedules).error();
  std::map<std::string, std::string, std::less<>> job_names;
  nlohmann::json fires = nlohmann::json::array();
  for (const ScheduleRecord& schedule : *schedules) {
    if (!schedule.next_fire_at) continue;
    auto name = job_names.find(schedule.job_id);
    if (name == job_names.end()) {
      auto job = store.Jobs().FindById(schedule.job_id);
      if (!job.ok()) return std::move(job).error();
      name = job_names.emplace(schedule.job_id, job->has_value() ? (*job)->name : "").first;
    }
    fires.push_back({{"job_id", schedule.job_id},
                     {"job_name", name->second},
                     {"schedule_id", schedule.id},
                     {"fire_at", FormatRfc3339(*schedule.next_fire_at)}});
  }
  return fires;
}

// The finished ones among the window's newest runs, oldest first.
Result<nlohmann::json> RecentRuns(Store& store, TimePoint window_from) {
  RunFilter filter;
  filter.queued_from = window_from;
  filter.limit = kOverviewRecentRuns;
  auto found = store.Runs().List(filter);
  if (!found.ok()) return std::move(found).error();
  nlohmann::json runs = nlohmann::json::array();
  for (auto run = found->rbegin(); run != found->rend(); ++run) {
    if (run->finished_at) runs.push_back(OverviewRunJson(*run));
  }
  return runs;
}

}  // namespace

Result<nlohmann::json> BuildOverview(Store& store, const OverviewRequest& request) {
  if (request.zone == nullptr) return Error::Internal("BuildOverview needs a time zone");
  if (request.days < 1 || request.days > kMaxOverviewDays) {
    return Error::Validation("days", fmt::format("'days' must be from 1 to {}", kMaxOverviewDays));
  }
  const date::time_zone& zone = *request.zone;
  const auto today = date::floor<date::days>(zone.to_local(request.now));
  const date::local_days first_day = today - date::days(request.days - 1);

  auto job_counts = store.Jobs().Count();
  if (!job_counts.ok()) return std::move(job_counts).error();

  nlohmann::json daily = nlohmann::json::array();
  RunWindowSummary today_summary;
  std::int64_t window_runs = 0;
  std::int64_t window_finished = 0;
  std::int64_t window_succeeded = 0;
  std::int64_t window_cancelled = 0;
  for (date::local_days day = first_day; day <= today; day += date::days(1)) {
    auto summary = store.Runs().Summarize(StartOf(day, zone), StartOf(day + date::days(1), zone));
    if (!summary.ok()) return std::move(summary).error();
    const std::int64_t succeeded = summary->count(RunStatus::kSucceeded);
    const std::int64_t cancelled = summary->count(RunStatus::kCancelled);
    const std::int64_t other =
        summary->count(RunStatus::kQueued) + summary->count(RunStatus::kRunning);
    const std::int64_t failed = Failed(*summary);
    daily.push_back({{"date", date::format("%F", day)},
                     {"succeeded", succeeded},
                     {"failed", failed},
                     {"cancelled", cancelled},
                     {"other", other},
                     {"p50_duration_ms", OptionalMillis(summary->median_duration)},
                     {"max_duration_ms", OptionalMillis(summary->max_duration)}});
    window_runs += succeeded + failed + cancelled + other;
    window_finished += succeeded + failed + cancelled;
    window_succeeded += succeeded;
    window_cancelled += cancelled;
    if (day == today) today_summary = *summary;
  }

  // Cancelled runs say nothing about whether jobs work, so they are left out of the rate.
  const std::int64_t judged = window_finished - window_cancelled;
  nlohmann::json success_rate = nullptr;
  if (judged > 0)
    success_rate = static_cast<double>(window_succeeded) / static_cast<double>(judged);

  auto failures = RecentFailures(store);
  if (!failures.ok()) return std::move(failures).error();
  nlohmann::json failure_list = nlohmann::json::array();
  for (const RunRecord& run : *failures) failure_list.push_back(OverviewRunJson(run));

  auto upcoming = UpcomingFires(store, request.now);
  if (!upcoming.ok()) return std::move(upcoming).error();
  const TimePoint window_from = StartOf(first_day, zone);
  auto recent = RecentRuns(store, window_from);
  if (!recent.ok()) return std::move(recent).error();

  const RunWindowSummary& t = today_summary;
  return nlohmann::json{
      {"generated_at", FormatRfc3339(request.now)},
      {"time_zone", std::string(zone.name())},
      {"days", request.days},
      {"jobs", {{"total", job_counts->total}, {"enabled", job_counts->enabled}}},
      {"today",
       {{"runs", t.count(RunStatus::kQueued) + t.count(RunStatus::kRunning) +
                     t.count(RunStatus::kSucceeded) + Failed(t) + t.count(RunStatus::kCancelled)},
        {"succeeded", t.count(RunStatus::kSucceeded)},
        {"failed", Failed(t)},
        {"cancelled", t.count(RunStatus::kCancelled)},
        {"running", t.count(RunStatus::kRunning)},
        {"queued", t.count(RunStatus::kQueued)}}},
      {"window",
       {{"from", FormatRfc3339(window_from)},
        {"runs", window_runs},
        {"finished", window_finished},
        {"succeeded", window_succeeded},
        {"success_rate", success_rate}}},
      {"recent_failures", std::move(failure_list)},
      {"upcoming_fires", std::move(*upcoming)},
      {"daily", std::move(daily)},
      {"recent_runs", std::move(*recent)}};
}

}  // namespace batuta::runs
