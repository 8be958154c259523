#include "scheduler/misfire.h"

#include <algorithm>
#include <cstddef>
#include <deque>

#include "scheduler/next_fire.h"

namespace batuta::scheduler {
namespace {

using std::chrono::seconds;

// The `count` most recent fire times in (low, high], oldest first. Looks back from `high` over a
// window that grows eightfold until it holds `count` fires or reaches `low`, so dense schedules
// walk few fires and sparse ones few windows. Fires older than about kSearchHorizon before
// `high` are not looked for: that bounds the work when `low` is decades old.
std::vector<TimePoint> LatestFires(const ScheduleSpec& spec, TimePoint low, TimePoint high,
                                   std::size_t count) {
  std::vector<TimePoint> result;
  if (high <= low || count == 0) return result;
  seconds look_back{60};
  while (true) {
    const bool reaches_low = high - low <= look_back;
    const bool last_try = reaches_low || look_back >= kSearchHorizon;
    const TimePoint start = reaches_low ? low : high - look_back;
    std::deque<TimePoint> window;
    TimePoint cursor = start;
    while (true) {
      const auto next = NextFireAfter(spec, cursor);
      if (!next || *next > high) break;
      window.push_back(*next);
      if (window.size() > count) window.pop_front();
      cursor = *next;
    }
    if (window.size() >= count || last_try) {
      result.assign(window.begin(), window.end());
      return result;
    }
    look_back *= 8;
  }
}

}  // namespace

MisfireOutcome ResolveMisfires(const ScheduleSpec& spec, TimePoint last_scheduled, TimePoint now,
                               const MisfirePolicy& policy) {
  MisfireOutcome outcome;
  outcome.next_fire = NextFireAfter(spec, std::max(last_scheduled, now));
  if (now <= last_scheduled) return outcome;
  switch (policy.kind) {
    case MisfirePolicy::Kind::kSkip: {
      const auto latest = LatestFires(spec, last_scheduled, now, 1);
      if (!latest.empty() && now - latest.back() <= policy.grace) outcome.fire_now = latest;
      break;
    }
    case MisfirePolicy::Kind::kRunOnce:
      outcome.fire_now = LatestFires(spec, last_scheduled, now, 1);
      break;
    case MisfirePolicy::Kind::kCatchUp: {
      const seconds reach = std::max(policy.window, policy.grace);
      const TimePoint low = std::max(last_scheduled, now - reach - seconds(1));
      auto fires = LatestFires(spec, low, now, static_cast<std::size_t>(std::max(policy.max, 1)));
      // `low` is exclusive; a fire exactly at now - reach is inside the window.
      fires.erase(
          std::remove_if(fires.begin(), fires.end(), [&](TimePoint t) { return now - t > reach; }),
          fires.end());
      outcome.fire_now = std::move(fires);
      break;
    }
  }
  return outcome;
}

Result<MisfirePolicy> MisfirePolicyFromJson(const nlohmann::json& json) {
  if (!json.is_object()) return Error::Validation("misfire", "a misfire policy must be an object");
  for (const auto& [key, value] : json.items()) {
    if (key != "policy" && key != "max" && key != "window_seconds" && key != "grace_seconds") {
      return Error::Validation(key, "unknown member of a misfire policy");
    }
  }
  const auto policy_it = json.find("policy");
  if (policy_it == json.end() || !policy_it->is_string()) {
    return Error::Validation("policy", "must be one of skip, run_once, catch_up");
  }
  const std::string& name = policy_it->get_ref<const std::string&>();
  MisfirePolicy policy;
  if (name == "skip") {
    policy.kind = MisfirePolicy::Kind::kSkip;
  } else if (name == "run_once") {
    policy.kind = MisfirePolicy::Kind::kRunOnce;
  } else if (name == "catch_up") {
    policy.kind = MisfirePolicy::Kind::kCatchUp;
  } else {
    return Error::Validation("policy", "must be one of skip, run_once, catch_up");
  }
  const bool catch_up = policy.kind == MisfirePolicy::Kind::kCatchUp;
  if (!catch_up && (json.contains("max") || json.contains("window_seconds"))) {
    return Error::Validation(json.contains("max") ? "max" : "window_seconds",
                             "only applies to the catch_up policy");
  }
  if (catch_up) {
    const auto max_it = json.find("max");
    if (max_it == json.end() || !max_it->is_number_integer() || max_it->get<std::int64_t>() < 1 ||
        max_it->get<std::int64_t>() > MisfirePolicy::kMaxCatchUp) {
      return Error::Validation(
          "max", "must be an integer from 1 to " + std::to_string(MisfirePolicy::kMaxCatchUp));
    }
    policy.max = static_cast<int>(max_it->get<std::int64_t>());
    const auto window_it = json.find("window_seconds");
    if (window_it == json.end() || !window_it->is_number_integer() ||
        window_it->get<std::int64_t>() < 0 ||
        window_it->get<std::int64_t>() > MisfirePolicy::kMaxWindow.count()) {
      return Error::Validation(
          "window_seconds",
          "must be an integer from 0 to " + std::to_string(MisfirePolicy::kMaxWindow.count()));
    }
    policy.window = seconds(window_it->get<std::int64_t>());
  }
  if (const auto grace_it = json.find("grace_seconds"); grace_it != json.end()) {
    if (!grace_it->is_number_integer() || grace_it->get<std::int64_t>() < 0 ||
        grace_it->get<std::int64_t>() > MisfirePolicy::kMaxGrace.count()) {
      return Error::Validation(
          "grace_seconds",
          "must be an integer from 0 to " + std::to_string(MisfirePolicy::kMaxGrace.count()));
    }
    policy.grace = seconds(grace_it->get<std::int64_t>());
  }
  return policy;
}

nlohmann::json MisfirePolicyToJson(const MisfirePolicy& policy) {
  nlohmann::json json = nlohmann::json::object();
  switch (policy.kind) {
    case MisfirePolicy::Kind::kSkip:
      json["policy"] = "skip";
      break;
    case MisfirePolicy::Kind::kRunOnce:
      json["policy"] = "run_once";
      break;
    case MisfirePolicy::Kind::kCatchUp:
      json["policy"] = "catch_up";
      json["max"] = policy.max;
      json["window_seconds"] = policy.window.count();
      break;
  }
  json["grace_seconds"] = policy.grace.count();
  return json;
}

}  // namespace batuta::scheduler
