// Compares NextFireAfter with a brute-force oracle: deliberately simple code that walks every
// minute (or second) of UTC, converts it to local time with date::zoned_time and decides from
// the DST rules alone whether the schedule fires at that instant. It shares only the parsed
// field sets with the library: its own field matching, no search.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "scheduler/next_fire.h"

namespace batuta::scheduler {
namespace {

using date::local_seconds;
using date::sys_seconds;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

// The zones of the two-year walk; the random tests add more with unusual rules (transitions at
// midnight, 45-minute offsets, abolished DST).
const std::vector<std::string> kZones = {
    "America/Sao_Paulo", "America/New_York",    "Europe/London",
    "Europe/Dublin",     "Australia/Lord_Howe", "Africa/Cairo",
    "Pacific/Apia",      "Asia/Kolkata",        "UTC"};
const std::vector<std::string> kMoreZones = {"America/Havana", "Asia/Tehran", "America/Santiago",
                                             "Pacific/Chatham"};

ScheduleSpec MustSpec(const std::string& expression, const std::string& zone) {
  auto spec = ScheduleSpec::FromCron(expression, zone);
  EXPECT_TRUE(spec.ok()) << expression << ": " << (spec.ok() ? "" : spec.error().message);
  return std::move(spec).value();
}

// A local wall-clock time taken apart once, for every spec of the walk.
struct LocalFields {
  unsigned month = 0;
  unsigned day = 0;
  unsigned weekday = 0;  // 0 = Sunday
  std::size_t hour = 0;
  std::size_t minute = 0;
  std::size_t second = 0;
};

LocalFields Decompose(local_seconds local) {
  // The calendar conversion is slow under the sanitizers and changes once a day: remember it.
  thread_local date::local_days cached_day{date::days(-1'000'000)};
  thread_local LocalFields cached;
  const auto day = date::floor<date::days>(local);
  if (day != cached_day) {
    const date::year_month_day ymd(day);
    cached_day = day;
    cached.month = static_cast<unsigned>(ymd.month());
    cached.day = static_cast<unsigned>(ymd.day());
    cached.weekday = date::weekday(day).c_encoding();
  }
  LocalFields fields = cached;
  const auto since_midnight = static_cast<std::size_t>((local - day).count());
  fields.hour = since_midnight / 3600;
  fields.minute = since_midnight / 60 % 60;
  fields.second = since_midnight % 60;
  return fields;
}

// The oracle's own reading of the fields (Vixie day rule included), from the parsed sets.
bool OracleMatches(const ScheduleSpec& spec, const LocalFields& f) {
  if (const auto* cron = std::get_if<CronExpression>(&spec.pattern())) {
    if (!cron->seconds()[f.second] || !cron->minutes()[f.minute] || !cron->hours()[f.hour] ||
        !cron->months()[f.month]) {
      return false;
    }
    const bool dom = cron->days_of_month()[f.day];
    const bool dow = cron->days_of_week()[f.weekday];
    return cron->day_of_month_restricted() && cron->day_of_week_restricted() ? dom || dow
                                                                             : dom && dow;
  }
  const auto& set = std::get<WeekdayTimeSet>(spec.pattern());
  if (f.second != 0 || !set.weekdays()[f.weekday]) return false;
  for (const LocalTime& t : set.times()) {
    if (static_cast<std::size_t>(t.hour) == f.hour &&
        static_cast<std::size_t>(t.minute) == f.minute) {
      return true;
    }
  }
  return false;
}

// The fires of every spec (all in one zone) at instants in (from, to] that are multiples of
// `step`. Fixed-time specs fire when the wall clock first reaches or passes a matching local
// time (so a time in a gap fires when the gap ends, and a repeated time does not fire again);
// absolute-time specs fire whenever the wall clock shows a matching time.
std::vector<std::vector<sys_seconds>> Oracle(const std::vector<ScheduleSpec>& specs,
                                             const std::string& zone, sys_seconds from,
                                             sys_seconds to, seconds step) {
  std::vector<std::vector<sys_seconds>> fires(specs.size());
  const date::time_zone* tz = date::locate_zone(zone);
  // zoned_time's conversion is t + the offset of the sys_info holding t; that sys_info is asked
  // for again only once t leaves it, which keeps a two-year walk fast under the sanitizers.
  date::sys_info info = date::zoned_time<seconds>(tz, from).get_info();
  auto to_local = [&](sys_seconds t) {
    if (t < info.begin || t >= info.end) info = date::zoned_time<seconds>(tz, t).get_info();
    return local_seconds{(t + info.offset).time_since_epoch()};
  };
  // Per spec and minute of the day: whether any time of that minute matches. Only a filter
  // that skips OracleMatches for most instants; it decides nothing.
  constexpr std::size_t kMinutesPerDay = 1440;
  std::vector<std::vector<char>> could_match(specs.size(), std::vector<char>(kMinutesPerDay, 0));
  for (std::size_t i = 0; i < specs.size(); ++i) {
    if (const auto* cron = std::get_if<CronExpression>(&specs[i].pattern())) {
      for (std::size_t minute = 0; minute < kMinutesPerDay; ++minute) {
        could_match[i][minute] =
            static_cast<char>(cron->hours()[minute / 60] && cron->minutes()[minute % 60]);
      }
    } else {
      for (const LocalTime& t : std::get<WeekdayTimeSet>(specs[i].pattern()).times()) {
        could_match[i][static_cast<std::size_t>(t.hour) * 60 + static_cast<std::size_t>(t.minute)] =
            true;
      }
    }
  }
  local_seconds high_water = to_local(from);
  for (sys_seconds t = from + step; t <= to; t += step) {
    const local_seconds local = to_local(t);
    const LocalFields fields = Decompose(local);
    // Local times the wall clock jumped over (a gap) since the last step, in order.
    std::vector<LocalFields> skipped;
    for (local_seconds l = high_water + step; l < local; l += step) skipped.push_back(Decompose(l));
    for (std::size_t i = 0; i < specs.size(); ++i) {
      const ScheduleSpec& spec = specs[i];
      if (skipped.empty() && !could_match[i][fields.hour * 60 + fields.minute]) continue;
      bool fire = false;
      if (spec.follows_absolute_time()) {
        fire = OracleMatches(spec, fields);
      } else if (local > high_water) {
        fire = OracleMatches(spec, fields);
        for (std::size_t k = 0; k < skipped.size() && !fire; ++k) {
          fire = OracleMatches(spec, skipped[k]);
        }
      }
      if (fire) fires[i].push_back(t);
    }
    high_water = std::max(high_water, local);
  }
  return fires;
}

// NextFireAfter iterated over (from, to]; with `check_instants`, IsFireTime must agree on each.
std::vector<sys_seconds> Iterate(const ScheduleSpec& spec, sys_seconds from, sys_seconds to,
                                 bool check_instants = true) {
  std::vector<sys_seconds> fires;
  TimePoint cursor(from);
  while (true) {
    const auto next = NextFireAfter(spec, cursor);
    if (!next || *next > TimePoint(to)) break;
    EXPECT_GT(*next, cursor);
    if (check_instants) {
      EXPECT_TRUE(IsFireTime(spec, *next)) << FormatRfc3339(*next);
      // Restarting the search just before a fire finds it again (a gap's end included).
      EXPECT_EQ(NextFireAfter(spec, *next - seconds(1)), next) << FormatRfc3339(*next);
    }
    fires.push_back(date::floor<seconds>(*next));
    cursor = *next;
  }
  return fires;
}

std::string Local(const std::string& zone, sys_seconds t) {
  return date::format("%F %T %z", date::zoned_time<seconds>(zone, t));
}

// Reports the first few differences between the two lists, with local times.
void ExpectSameFires(const std::string& what, const std::string& zone,
                     const std::vector<sys_seconds>& oracle,
                     const std::vector<sys_seconds>& search) {
  if (oracle == search) return;
  std::string report;
  std::size_t i = 0;
  std::size_t j = 0;
  int shown = 0;
  while ((i < oracle.size() || j < search.size()) && shown < 5) {
    if (j == search.size() || (i < oracle.size() && oracle[i] < search[j])) {
      report += "\n  only oracle: " + Local(zone, oracle[i++]);
      ++shown;
    } else if (i == oracle.size() || search[j] < oracle[i]) {
      report += "\n  only search: " + Local(zone, search[j++]);
      ++shown;
    } else {
      ++i;
      ++j;
    }
  }
  ADD_FAILURE() << what << " in " << zone << ": oracle " << oracle.size() << " fires, search "
                << search.size() << report;
}

const sys_seconds kStart{date::sys_days{date::year{2026} / 1 / 1}};
const sys_seconds kEnd{date::sys_days{date::year{2028} / 1 / 1}};

TEST(NextFireOracleTest, HandPickedExpressionsOverTwoYearsInEveryZone) {
  const std::vector<std::string> expressions = {
      "30 2 * * *",  "0 1 * * *",    "0 * * * *",    "0 0 * * *",   "30 1 * * 0",
      "45 1 * * *",  "15 2 * * *",   "0,30 2 * * *", "30 23 * * *", "0 */3 * * *",
      "5 0-3 * * *", "0 2 * 3,10 0", "59 23 * * 4",  "0 0 29 2 *",  "0 0 13 * 5"};
  for (const std::string& zone : kZones) {
    std::vector<ScheduleSpec> specs;
    specs.reserve(expressions.size());
    for (const std::string& expression : expressions) specs.push_back(MustSpec(expression, zone));
    const auto oracle = Oracle(specs, zone, kStart, kEnd, minutes(1));
    for (std::size_t i = 0; i < specs.size(); ++i) {
      ExpectSameFires(expressions[i], zone, oracle[i], Iterate(specs[i], kStart, kEnd, false));
    }
  }
}

// The densest hand-picked case (35,000 fires a year) in the zones whose shifts are not whole
// hours or happen at odd local times.
TEST(NextFireOracleTest, QuarterHourlyOverTwoYears) {
  for (const std::string zone : {"Australia/Lord_Howe", "Pacific/Chatham", "America/New_York"}) {
    const std::vector<ScheduleSpec> specs = {MustSpec("*/15 * * * *", zone)};
    const auto oracle = Oracle(specs, zone, kStart, kEnd, minutes(1));
    ExpectSameFires("*/15 * * * *", zone, oracle[0], Iterate(specs[0], kStart, kEnd, false));
  }
}

// Starts of the zone's offset changes in [from, to).
std::vector<sys_seconds> Transitions(const std::string& zone, sys_seconds from, sys_seconds to) {
  std::vector<sys_seconds> out;
  const date::time_zone* tz = date::locate_zone(zone);
  date::sys_info info = tz->get_info(from);
  while (info.end < to) {
    const date::sys_info next = tz->get_info(info.end);
    if (next.offset != info.offset) out.push_back(info.end);
    info = next;
  }
  return out;
}

class RandomCron {
 public:
  explicit RandomCron(std::uint32_t seed) : rng_(seed) {}

  int Uniform(int low, int high) { return std::uniform_int_distribution<int>(low, high)(rng_); }

  // Hours near DST transitions (midnight to 03:00, late evening) come up more often.
  std::string Expression(bool with_seconds) {
    std::string out;
    if (with_seconds) out += Field(0, 59, 0.3, {}) + " ";
    out += Field(0, 59, 0.3, {0, 15, 30, 45, 59}) + " ";
    out += Field(0, 23, 0.35, {0, 1, 2, 3, 22, 23}) + " ";
    out += Uniform(0, 9) < 7 ? "*" : Field(1, 31, 0.0, {1, 13, 29, 30, 31});
    out += " ";
    out += Uniform(0, 9) < 8 ? "*" : Field(1, 12, 0.0, {2, 3, 4, 9, 10, 11});
    out += " ";
    out += Uniform(0, 9) < 5 ? "*" : Field(0, 7, 0.0, {0, 4, 5, 6, 7});
    return out;
  }

 private:
  int Value(int low, int high, const std::vector<int>& favourites) {
    if (!favourites.empty() && Uniform(0, 1) == 0) {
      return favourites[static_cast<std::size_t>(
          Uniform(0, static_cast<int>(favourites.size()) - 1))];
    }
    return Uniform(low, high);
  }

  std::string Field(int low, int high, double star_share, const std::vector<int>& favourites) {
    if (std::uniform_real_distribution<double>(0, 1)(rng_) < star_share) return "*";
    const int span = high - low + 1;
    switch (Uniform(0, 5)) {
      case 0:
        return "*/" + std::to_string(Uniform(2, std::max(2, span / 2)));
      case 1:
        return std::to_string(Value(low, high, favourites));
      case 2: {
        std::string list;
        const int n = Uniform(2, 4);
        for (int i = 0; i < n; ++i) {
          list += (i > 0 ? "," : "") + std::to_string(Value(low, high, favourites));
        }
        return list;
      }
      case 3: {
        const int a = Value(low, high, favourites);
        const int b = Uniform(a, high);
        return std::to_string(a) + "-" + std::to_string(b);
      }
      case 4: {
        const int a = Value(low, high, favourites);
        const int b = Uniform(a, high);
        return std::to_string(a) + "-" + std::to_string(b) + "/" + std::to_string(Uniform(1, 5));
      }
      default:
        return std::to_string(Value(low, high, favourites)) + "/" + std::to_string(Uniform(1, 7));
    }
  }

  std::mt19937 rng_;
};

// Thousands of seeded random expressions, each checked over a few days around an offset change
// of a zone (or a random window in zones without one). Groups share one oracle walk.
TEST(NextFireOracleTest, RandomExpressionsAroundTransitions) {
  RandomCron random(20260101);
  constexpr int kWindowsPerZone = 6;
  constexpr int kExpressionsPerWindow = 40;
  int checked = 0;
  std::vector<std::string> zones = kZones;
  zones.insert(zones.end(), kMoreZones.begin(), kMoreZones.end());
  for (const std::string& zone : zones) {
    auto transitions = Transitions(zone, kStart, kEnd);
    for (int w = 0; w < kWindowsPerZone; ++w) {
      const sys_seconds center =
          transitions.empty() ? kStart + hours(24 * random.Uniform(0, 700))
                              : transitions[static_cast<std::size_t>(w) % transitions.size()];
      const sys_seconds from = center - hours(30);
      const sys_seconds to = center + hours(30);
      std::vector<ScheduleSpec> specs;
      std::vector<std::string> texts;
      while (static_cast<int>(specs.size()) < kExpressionsPerWindow) {
        const std::string text = random.Expression(false);
        auto spec = ScheduleSpec::FromCron(text, zone);
        if (!spec.ok()) continue;  // an impossible date such as "30 2": rejected at parse time
        specs.push_back(std::move(spec).value());
        texts.push_back(text);
      }
      const auto oracle = Oracle(specs, zone, from, to, minutes(1));
      for (std::size_t i = 0; i < specs.size(); ++i) {
        ExpectSameFires(texts[i], zone, oracle[i], Iterate(specs[i], from, to));
        ++checked;
      }
    }
  }
  EXPECT_GE(checked, 3000);
}

TEST(NextFireOracleTest, RandomSecondFieldExpressionsSecondBySecond) {
  RandomCron random(7);
  int checked = 0;
  for (const std::string zone : {"America/New_York", "Australia/Lord_Howe", "Africa/Cairo",
                                 "Pacific/Chatham", "America/Santiago"}) {
    for (const sys_seconds center : Transitions(zone, kStart, kEnd)) {
      const sys_seconds from = center - hours(2);
      const sys_seconds to = center + hours(2);
      std::vector<ScheduleSpec> specs;
      std::vector<std::string> texts;
      while (specs.size() < 30) {
        const std::string text = random.Expression(true);
        auto spec = ScheduleSpec::FromCron(text, zone);
        if (!spec.ok()) continue;
        specs.push_back(std::move(spec).value());
        texts.push_back(text);
      }
      const auto oracle = Oracle(specs, zone, from, to, seconds(1));
      for (std::size_t i = 0; i < specs.size(); ++i) {
        ExpectSameFires(texts[i], zone, oracle[i], Iterate(specs[i], from, to));
        ++checked;
      }
    }
  }
  EXPECT_GE(checked, 300);
}

TEST(NextFireOracleTest, RandomWeekdayTimeSets) {
  std::mt19937 rng(42);
  auto uniform = [&](int low, int high) {
    return std::uniform_int_distribution<int>(low, high)(rng);
  };
  int checked = 0;
  for (const std::string& zone : kZones) {
    for (const sys_seconds center : Transitions(zone, kStart, kEnd)) {
      std::vector<ScheduleSpec> specs;
      std::vector<std::string> texts;
      while (specs.size() < 10) {
        std::vector<date::weekday> days;
        for (unsigned d = 0; d < 7; ++d) {
          if (uniform(0, 1) == 1) days.emplace_back(d);
        }
        std::vector<LocalTime> times;
        const int n = uniform(1, 5);
        for (int i = 0; i < n; ++i) {
          const LocalTime t{uniform(0, 3) == 0 ? uniform(0, 23) : uniform(0, 3),
                            uniform(0, 11) * 5};
          if (std::find(times.begin(), times.end(), t) == times.end()) times.push_back(t);
        }
        auto set = WeekdayTimeSet::Create(days, times);
        if (!set.ok()) continue;
        auto spec = ScheduleSpec::FromTimeSet(std::move(set).value(), zone);
        ASSERT_TRUE(spec.ok());
        texts.push_back(ScheduleSpecToJson(*spec).dump());
        specs.push_back(std::move(spec).value());
      }
      const auto oracle = Oracle(specs, zone, center - hours(72), center + hours(72), minutes(1));
      for (std::size_t i = 0; i < specs.size(); ++i) {
        ExpectSameFires(texts[i], zone, oracle[i],
                        Iterate(specs[i], center - hours(72), center + hours(72)));
        ++checked;
      }
    }
  }
  EXPECT_GE(checked, 100);
}

}  // namespace
}  // namespace batuta::scheduler
