#include "runners/sql_export_bindings.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <set>

#include "sources/named_parameters.h"

namespace batuta::runners {
namespace {

using date::days;
using date::sys_days;
using rows::ColumnType;

constexpr std::string_view kDaysAgoPrefix = "days_ago_";
constexpr int kMaxDaysAgo = 3660;

sources::BindValue DateValue(std::string name, const date::year_month_day& day) {
  return {std::move(name), ColumnType::kDate, FormatDate(day), false};
}

std::optional<sources::BindValue> BuiltIn(const std::string& name, const RunDates& dates) {
  if (name == "today") return DateValue(name, dates.today);
  if (name == "yesterday") return DateValue(name, dates.yesterday);
  if (name == "window_start") return DateValue(name, dates.window_start);
  if (name == "month_start") return DateValue(name, dates.month_start);
  if (name == "previous_month_start") return DateValue(name, dates.previous_month_start);
  if (name == "previous_month_end") return DateValue(name, dates.previous_month_end);
  if (name == "now") return sources::BindValue{name, ColumnType::kTimestamp, dates.now, false};
  if (name.starts_with(kDaysAgoPrefix)) {
    const std::string_view digits = std::string_view{name}.substr(kDaysAgoPrefix.size());
    int n = 0;
    const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (error == std::errc() && end == digits.data() + digits.size() && !digits.empty() && n >= 0 &&
        n <= kMaxDaysAgo) {
      return DateValue(name, date::year_month_day{sys_days{dates.today} - days{n}});
    }
  }
  return std::nullopt;
}

Result<sources::BindValue> FromParameter(const runs::ParameterSpec& spec,
                                         const nlohmann::json& value) {
  sources::BindValue bind{spec.name, ColumnType::kText, {}, value.is_null()};
  if (value.is_null()) return bind;
  using Type = runs::ParameterSpec::Type;
  switch (spec.type) {
    case Type::kString:
      bind.text = value.is_string() ? value.get<std::string>() : value.dump();
      break;
    case Type::kInteger:
      bind.type = ColumnType::kInteger;
      bind.text = value.dump();
      break;
    case Type::kNumber:
      bind.type = ColumnType::kNumber;
      bind.text = value.dump();
      break;
    case Type::kBoolean:
      bind.type = ColumnType::kBoolean;
      bind.text = value.is_boolean() && value.get<bool>() ? "true" : "false";
      break;
    case Type::kDate:
      bind.type = ColumnType::kDate;
      bind.text = value.is_string() ? value.get<std::string>() : value.dump();
      break;
  }
  return bind;
}

}  // namespace

std::string FormatDate(const date::year_month_day& day) {
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(day.year()),
                     static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()));
}

RunDates ComputeRunDates(TimePoint reference, const date::time_zone& zone, int days_offset) {
  const auto local = zone.to_local(date::floor<std::chrono::seconds>(reference));
  const auto local_day = date::floor<days>(local);
  const date::year_month_day today{local_day};
  const date::hh_mm_ss<std::chrono::seconds> time{local - local_day};
  RunDates dates;
  dates.today = today;
  dates.yesterday = date::year_month_day{sys_days{today} - days{1}};
  dates.window_start = date::year_month_day{sys_days{today} - days{days_offset}};
  dates.month_start = today.year() / today.month() / 1;
  const date::year_month previous = date::year_month{today.year(), today.month()} - date::months(1);
  dates.previous_month_start = previous / 1;
  dates.previous_month_end = date::year_month_day{previous / date::last};
  dates.now = fmt::format("{} {:02}:{:02}:{:02}", FormatDate(today), time.hours().count(),
                          time.minutes().count(), time.seconds().count());
  return dates;
}

std::vector<std::string> BuiltInParameterNames() {
  return {"today",
          "yesterday",
          "window_start",
          "month_start",
          "now",
          "previous_month_start",
          "previous_month_end",
          "days_ago_<N>"};
}

Result<std::vector<sources::BindValue>> BuildBindings(
    std::string_view query, sources::PlaceholderStyle style, const nlohmann::json& parameters,
    const std::vector<runs::ParameterSpec>& declared, const RunDates& dates) {
  auto rewritten = sources::RewriteNamedParameters(query, style);
  if (!rewritten.ok()) {
    return Error::Validation("config.query", std::move(rewritten).error().message);
  }
  std::set<std::string> names(rewritten->parameters.begin(), rewritten->parameters.end());
  std::vector<sources::BindValue> binds;
  for (const auto& name : names) {
    const auto spec = std::find_if(declared.begin(), declared.end(),
                                   [&](const runs::ParameterSpec& p) { return p.name == name; });
    if (spec != declared.end()) {
      const auto value = parameters.find(name);
      auto bind = FromParameter(*spec, value == parameters.end() ? nlohmann::json() : *value);
      if (!bind.ok()) return std::move(bind).error();
      binds.push_back(std::move(bind).value());
      continue;
    }
    auto built_in = BuiltIn(name, dates);
    if (!built_in) {
      std::vector<std::string> known;
      known.reserve(declared.size() + BuiltInParameterNames().size());
      for (const auto& p : declared) known.push_back(":" + p.name);
      for (const auto& b : BuiltInParameterNames()) known.push_back(":" + b);
      return Error::Validation(
          "config.query",
          fmt::format("the query uses :{}, which is neither a parameter of the job nor a "
                      "built-in value; known: {}",
                      name, fmt::join(known, ", ")));
    }
    binds.push_back(std::move(*built_in));
  }
  return binds;
}

}  // namespace batuta::runners
