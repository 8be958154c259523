#include "runners/sql_export_config.h"

#include <fmt/format.h>

#include <algorithm>

#include "runs/json_fields.h"
#include "scheduler/schedule_spec.h"
#include "storage/path_template.h"

namespace batuta::runners {
namespace {

using runs::ReadBool;
using runs::ReadInteger;
using runs::ReadString;
using runs::ReadStringList;
using runs::RefuseUnknownFields;

constexpr std::size_t kMaxQueryBytes = 1 << 20;

Status ParseOutput(const nlohmann::json& output, SqlExportConfig& config) {
  if (!output.is_object()) return Error::Validation("config.output", "must be an object");
  constexpr std::string_view kPath = "config.output";
  BATUTA_RETURN_IF_ERROR(RefuseUnknownFields(
      output, kPath, {"storage", "path", "mode", "key", "date_column", "period"}));
  auto storage = ReadString(output, kPath, "storage", false);
  if (!storage.ok()) return std::move(storage).error();
  if (!storage->empty()) config.storage = std::move(storage).value();
  auto path = ReadString(output, kPath, "path", false);
  if (!path.ok()) return std::move(path).error();
  if (!path->empty()) config.path = std::move(path).value();
  BATUTA_RETURN_IF_ERROR(
      storage::ValidatePathTemplate(config.path, PathPlaceholders(), "config.output.path"));

  auto mode = ReadString(output, kPath, "mode", false);
  if (!mode.ok()) return std::move(mode).error();
  if (mode->empty() || *mode == "overwrite") {
    config.mode = ExportMode::kOverwrite;
  } else if (*mode == "accumulate") {
    config.mode = ExportMode::kAccumulate;
  } else if (*mode == "per_period") {
    config.mode = ExportMode::kPerPeriod;
  } else {
    return Error::Validation("config.output.mode",
                             "must be one of: overwrite, accumulate, per_period");
  }
  auto key = ReadStringList(output, kPath, "key", 16);
  if (!key.ok()) return std::move(key).error();
  config.key = std::move(key).value();
  auto date_column = ReadString(output, kPath, "date_column", false);
  if (!date_column.ok()) return std::move(date_column).error();
  config.date_column = std::move(date_column).value();
  auto period = ReadString(output, kPath, "period", false);
  if (!period.ok()) return std::move(period).error();
  if (period->empty() || *period == "month") {
    config.period = Period::kMonth;
  } else if (*period == "day") {
    config.period = Period::kDay;
  } else if (*period == "year") {
    config.period = Period::kYear;
  } else {
    return Error::Validation("config.output.period", "must be one of: day, month, year");
  }

  if (config.mode == ExportMode::kAccumulate) {
    if (config.key.empty() == config.date_column.empty()) {
      return Error::Validation("config.output.key",
                               "accumulate needs either a key (columns identifying a row) or a "
                               "date_column (rows from :window_start on are replaced)");
    }
  } else if (!config.key.empty() || !config.date_column.empty()) {
    return Error::Validation(config.key.empty() ? "config.output.date_column" : "config.output.key",
                             "only used with mode accumulate");
  }
  if (config.mode == ExportMode::kPerPeriod && config.path.find("{period}") == std::string::npos &&
      config.path.find("{date}") == std::string::npos &&
      config.path.find("{yyyy}") == std::string::npos) {
    return Error::Validation("config.output.path",
                             "per_period needs a path naming the period, like "
                             "\"{dataset} {mm}.{yyyy}.csv\" or \"{dataset}/{period}.csv\"");
  }
  return Ok();
}

}  // namespace

std::vector<std::string> PathPlaceholders() {
  return {"dataset", "job", "date", "yyyy", "mm", "dd", "period"};
}

bool IsValidDatasetName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  const auto allowed = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
  };
  if (!std::all_of(name.begin(), name.end(), allowed)) return false;
  return name.front() != '.' && name.front() != '-' && name.front() != '_';
}

std::string DatasetNameFor(std::string_view job_name) {
  std::string name;
  for (const char c : job_name) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    if (name.empty() && (!allowed || c == '.' || c == '-' || c == '_')) continue;
    name += allowed ? c : '-';
    if (name.size() == 64) break;
  }
  return name.empty() ? "job" : name;
}

Result<SqlExportConfig> ParseSqlExportConfig(const nlohmann::json& config) {
  if (!config.is_object()) return Error::Validation("config", "must be an object");
  constexpr std::string_view kPath = "config";
  BATUTA_RETURN_IF_ERROR(RefuseUnknownFields(
      config, kPath,
      {"connection", "query", "timezone", "days_offset", "read_only", "statement_timeout_seconds",
       "csv", "output", "dataset", "keep_versions"}));
  SqlExportConfig parsed;
  auto connection = ReadString(config, kPath, "connection", true);
  if (!connection.ok()) return std::move(connection).error();
  parsed.connection = std::move(connection).value();

  auto query = ReadString(config, kPath, "query", true);
  if (!query.ok()) return std::move(query).error();
  if (query->find_first_not_of(" \t\r\n") == std::string::npos) {
    return Error::Validation("config.query", "must not be empty");
  }
  if (query->size() > kMaxQueryBytes) {
    return Error::Validation("config.query", "must be at most 1 MiB");
  }
  parsed.query = std::move(query).value();

  auto timezone = ReadString(config, kPath, "timezone", false);
  if (!timezone.ok()) return std::move(timezone).error();
  if (!timezone->empty()) {
    auto zone = scheduler::LocateZone(*timezone);
    if (!zone.ok()) return Error::Validation("config.timezone", zone.error().message);
  }
  parsed.timezone = std::move(timezone).value();

  auto days_offset = ReadInteger(config, kPath, "days_offset", 0, 0, 3660);
  if (!days_offset.ok()) return std::move(days_offset).error();
  parsed.days_offset = static_cast<int>(*days_offset);
  auto read_only = ReadBool(config, kPath, "read_only", true);
  if (!read_only.ok()) return std::move(read_only).error();
  parsed.read_only = *read_only;
  auto timeout =
      ReadInteger(config, kPath, "statement_timeout_seconds", 1800, 0, std::int64_t{7} * 86400);
  if (!timeout.ok()) return std::move(timeout).error();
  parsed.statement_timeout_seconds = *timeout;

  if (const auto csv = config.find("csv"); csv != config.end() && !csv->is_null()) {
    auto options = formats::ParseCsvOptions(*csv, "config.csv");
    if (!options.ok()) return std::move(options).error();
    parsed.csv = std::move(options).value();
  }
  if (const auto output = config.find("output"); output != config.end() && !output->is_null()) {
    BATUTA_RETURN_IF_ERROR(ParseOutput(*output, parsed));
  }
  auto dataset = ReadString(config, kPath, "dataset", false);
  if (!dataset.ok()) return std::move(dataset).error();
  if (!dataset->empty() && !IsValidDatasetName(*dataset)) {
    return Error::Validation("config.dataset",
                             "must be 1-64 letters, digits, '_', '.' or '-', starting with a "
                             "letter or digit");
  }
  parsed.dataset = std::move(dataset).value();
  auto keep = ReadInteger(config, kPath, "keep_versions", 10, 1, 1000);
  if (!keep.ok()) return std::move(keep).error();
  parsed.keep_versions = static_cast<int>(*keep);
  return parsed;
}

}  // namespace batuta::runners
