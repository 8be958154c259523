#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "formats/csv_options.h"

namespace batuta::runners {

// How an export combines a run's rows with what the file already holds.
enum class ExportMode {
  kOverwrite,   // the file becomes this run's rows
  kAccumulate,  // the old rows stay, except those this run replaces (by key or date window)
  kPerPeriod,   // one file per period (the path names it); each run rewrites its period's file
};

enum class Period { kDay, kMonth, kYear };

// The `config` of a sql_export job:
//   {"connection": "dw",                  SQL connection name (required)
//    "query": "SELECT ... WHERE d >= :window_start",  one statement (required)
//    "timezone": "America/Sao_Paulo",     zone of the date values (default: the schedule's,
//                                         then the server's)
//    "days_offset": 0,                    :window_start = today - days_offset
//    "read_only": true,
//    "statement_timeout_seconds": 1800,   0: none
//    "csv": {...},                        formats/csv_options.h (default: rfc4180)
//    "output": {"storage": "exports", "path": "{dataset}.csv",
//               "mode": "overwrite" | "accumulate" | "per_period",
//               "key": ["id"],           accumulate: old rows whose key the run returns go
//               "date_column": "dia",    accumulate: old rows dated >= :window_start go
//               "period": "month"},      per_period: day | month | year
//    "dataset": "vendas",                 the data API name of the output (default: the job's
//                                         name, see DatasetNameFor)
//    "keep_versions": 10}                 dataset versions kept (older files are removed)
// Path placeholders: {dataset} {job} {date} {yyyy} {mm} {dd} {period} — dates are those of
// :window_start; {period} is YYYY-MM-DD, YYYY-MM or YYYY.
struct SqlExportConfig {
  std::string connection;
  std::string query;
  std::string timezone;  // empty: the schedule's or the server's
  int days_offset = 0;
  bool read_only = true;
  std::int64_t statement_timeout_seconds = 1800;
  formats::CsvOptions csv;
  std::string storage = "exports";
  std::string path = "{dataset}.csv";
  ExportMode mode = ExportMode::kOverwrite;
  std::vector<std::string> key;
  std::string date_column;
  Period period = Period::kMonth;
  std::string dataset;
  int keep_versions = 10;
};

// kValidation naming the field ("config.output.mode") for anything not acceptable. Checks
// the document only; whether the connection exists is checked by the job type.
Result<SqlExportConfig> ParseSqlExportConfig(const nlohmann::json& config);

// Dataset names: 1-64 of [A-Za-z0-9_.-], starting with a letter or digit.
bool IsValidDatasetName(std::string_view name);
// The dataset a job exports to when its config names none: its name with every character
// outside [A-Za-z0-9_.-] replaced by '-', leading '.', '-' and '_' dropped, at most 64 long
// ("job" when nothing is left).
std::string DatasetNameFor(std::string_view job_name);

std::vector<std::string> PathPlaceholders();

}  // namespace batuta::runners
