#pragma once

#include <date/tz.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "runs/job_spec.h"
#include "sources/named_parameters.h"
#include "sources/sql_session.h"

namespace batuta::runners {

// The dates a run works with, all in the job's time zone, computed from its reference time:
// the scheduled time for a scheduled run (so a run caught up after downtime exports the day it
// was meant for), otherwise the time it was queued.
struct RunDates {
  date::year_month_day today;
  date::year_month_day yesterday;     // seed 001's D-1
  date::year_month_day window_start;  // today - days_offset (seed 000's days_offset)
  date::year_month_day month_start;   // first day of today's month
  date::year_month_day previous_month_start;
  date::year_month_day previous_month_end;
  std::string now;  // "YYYY-MM-DD HH:MM:SS", local wall time of the reference
};

RunDates ComputeRunDates(TimePoint reference, const date::time_zone& zone, int days_offset);

// The built-in parameter names a query may use besides the job's declared parameters:
//   :today :yesterday :window_start :month_start :previous_month_start :previous_month_end
//   (dates), :now (timestamp), and :days_ago_<N> (the date N days before today, N <= 3660).
// Declared parameters win over built-ins of the same name.
std::vector<std::string> BuiltInParameterNames();

// The values for every :name the query uses, from the run's resolved parameters (typed by
// their declaration) and the built-ins. kValidation (field "config.query") naming a parameter
// that has no value. Values are bound by the driver, never pasted into the SQL.
// `style` is the connection's (sources::PlaceholderStyleFor), so literals are lexed as its
// database does.
Result<std::vector<sources::BindValue>> BuildBindings(
    std::string_view query, sources::PlaceholderStyle style, const nlohmann::json& parameters,
    const std::vector<runs::ParameterSpec>& declared, const RunDates& dates);

std::string FormatDate(const date::year_month_day& day);  // YYYY-MM-DD

}  // namespace batuta::runners
