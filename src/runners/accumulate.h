#pragma once

#include <string>
#include <unordered_set>
#include <vector>

#include "core/result.h"
#include "datasets/temporal_format.h"
#include "formats/csv_options.h"
#include "rows/row.h"
#include "runners/sql_export_config.h"

namespace batuta::runners {

// What decides that a row of the existing file is replaced by this run (seed 000's
// "Acumulado"): its key is among the keys the run returned, or its date column falls in the
// run's window (on or after window_start).
struct ReplaceRule {
  std::vector<std::size_t> key_columns;  // by key, when not empty
  std::unordered_set<std::string> new_keys;
  std::optional<std::size_t> date_column;  // by date
  std::string window_start;                // YYYY-MM-DD
};

// The key of a row as compared across runs: the key cells' text joined by U+001F, NULL apart
// from every text. Both sides are read back from files the same writer wrote (the run's rows
// from its work file), so they compare as written: formatted the same way.
std::string RowKey(std::span<const rows::Cell> cells, const std::vector<std::size_t>& columns);

// Finds the indexes of `names` among `columns`; kValidation naming `field` for a missing one.
Result<std::vector<std::size_t>> ColumnIndexes(std::span<const rows::Column> columns,
                                               const std::vector<std::string>& names,
                                               std::string_view field);

// The YYYY-MM-DD a value written with `format` (a date or timestamp format of CsvOptions,
// compiled as that type) names, or nullopt when the text does not follow the format.
std::optional<std::string> CanonicalDate(std::string_view text,
                                         const datasets::TemporalFormat& format);

// Streams the rows of the existing file `path` (CSV written with `options`, header included)
// that `rule` keeps into `out`, as text cells exactly as written; `columns` are the query's.
// kValidation when the file's header differs from the columns (the query changed: export once in
// overwrite mode), kInvalidArgument when the file cannot be parsed. Returns {kept, replaced}.
struct MergeCounts {
  std::uint64_t kept = 0;
  std::uint64_t replaced = 0;
  std::uint64_t undated = 0;  // rows kept because their date column could not be read
};
Result<MergeCounts> CopyKeptRows(const std::string& path, const formats::CsvOptions& options,
                                 std::span<const rows::Column> columns, const ReplaceRule& rule,
                                 rows::RowSink& out);

// Streams every data row of a CSV file into `out` (cells as text; an unquoted field equal to
// null_text is NULL). For reading back the rows a run wrote to its work file.
Result<std::uint64_t> CopyAllRows(const std::string& path, const formats::CsvOptions& options,
                                  std::size_t column_count, rows::RowSink& out);

}  // namespace batuta::runners
