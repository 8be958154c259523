#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "datasets/row_index.h"
#include "formats/csv_options.h"
#include "rows/row.h"

namespace batuta::datasets {

// The data API's query over one dataset version: which rows (filters, sort, offset/limit or a
// cursor), which columns, how values are shown, in which format. See README.md for the
// parameters and the decisions behind them.

inline constexpr std::uint64_t kDefaultLimit = 100;
inline constexpr std::uint64_t kMaxLimit = 10'000;

// One dataset version as the store describes it.
struct DatasetInfo {
  std::string name;        // "dataset" in JSON output
  std::string version;     // version id: binds cursors, enters the ETag
  std::string csv_path;    // the exported file
  std::string index_path;  // its row index; "" when there is none (pages parse from the start)
  // A preloaded index used instead of index_path (callers may cache one per version).
  std::shared_ptr<const RowIndex> index;
  formats::CsvOptions options;
  std::vector<rows::Column> columns;  // in export order
  std::uint64_t total_rows = 0;
};

enum class OutputFormat { kJson, kNdjson, kCsv };
enum class ValueMode { kRaw, kTyped };
enum class FilterOp { kEq, kNe, kLt, kLe, kGt, kGe, kContains, kStartsWith, kIn, kIsNull };

std::string_view ContentTypeOf(OutputFormat format);

struct Filter {
  std::size_t column = 0;
  FilterOp op = FilterOp::kEq;
  std::string text;                 // the value as given (for `in`: the whole list)
  std::vector<std::string> values;  // comparable forms (see README): one, or several for `in`
  bool want_null = true;            // kIsNull
};

struct SortKey {
  std::size_t column = 0;
  bool descending = false;
};

struct QuerySpec {
  std::vector<std::size_t> select;  // indexes into DatasetInfo::columns, in output order
  std::vector<Filter> filters;      // every one must match
  std::vector<SortKey> sort;        // stable; nulls last in either direction
  std::uint64_t offset = 0;         // into the filtered, sorted rows (a cursor sets it)
  std::optional<std::uint64_t> limit = kDefaultLimit;  // nullopt: limit=all
  ValueMode types = ValueMode::kRaw;
  OutputFormat format = OutputFormat::kJson;
};

// Parses the URL query parameters of a data API request: limit, offset, cursor, select,
// filter (repeatable), sort, types, format. kInvalidArgument naming the parameter (in the
// message and as details.field) for a bad value, an unknown parameter, a repeated single one,
// an unknown column; kConflict (details.field "cursor") for a cursor of another version.
Result<QuerySpec> ParseQuerySpec(const std::multimap<std::string, std::string>& params,
                                 const DatasetInfo& dataset);

// A strong ETag ("\"<32 hex digits>\"") of the version and the normalised query: equal for
// requests that produce the same bytes from the same version, whatever order or spelling their
// parameters had.
std::string QueryETag(std::string_view version, const QuerySpec& spec);

struct QueryLimits {
  std::size_t chunk_bytes = std::size_t{64} * 1024;
  // Sorting keeps, per candidate row, its sort key and position (never the row): memory
  // O(min(matches, offset + limit)). Beyond this, the query fails with kInvalidArgument naming
  // `sort`.
  std::size_t max_sort_bytes = std::size_t{256} * 1024 * 1024;
};

// Produces a query's output in chunks, pulled by the HTTP layer at its own pace. Errors found
// before the first row (the file, the index, a sort's scan) are returned by OpenQuery, so they
// can still become an HTTP status; a malformed record met later is returned by Next.
// Not thread-safe; one per request.
class QueryOutput {
 public:
  ~QueryOutput();
  QueryOutput(const QueryOutput&) = delete;
  QueryOutput& operator=(const QueryOutput&) = delete;

  // Replaces `chunk` with the next piece of output (about QueryLimits::chunk_bytes, never
  // empty) and returns true; returns false, leaving `chunk` empty, once everything was produced.
  Result<bool> Next(std::string& chunk);

  std::string_view content_type() const { return ContentTypeOf(format_); }
  // Rows without filters; matching rows with them. With the cursor of the next page (nullopt on
  // the last page and with limit=all), known when OpenQuery returns unless the query filters
  // without sorting: then only once Next returned false (the scan is the output).
  std::uint64_t total() const;
  const std::optional<std::string>& next_cursor() const;

 private:
  class Impl;
  friend Result<std::unique_ptr<QueryOutput>> OpenQuery(const DatasetInfo&, const QuerySpec&,
                                                        const QueryLimits&);
  QueryOutput(std::unique_ptr<Impl> impl, OutputFormat format);

  std::unique_ptr<Impl> impl_;
  OutputFormat format_;
};

// Starts a query. Errors: the file or index is missing, malformed or does not match the
// dataset (kInternal naming the dataset and version; the message is for the server log), a read
// failure (kUnavailable), a sort beyond QueryLimits::max_sort_bytes (kInvalidArgument naming
// `sort`).
Result<std::unique_ptr<QueryOutput>> OpenQuery(const DatasetInfo& dataset, const QuerySpec& spec,
                                               const QueryLimits& limits = {});
// Renders a whole query into one string.
Result<std::string> RenderQuery(const DatasetInfo& dataset, const QuerySpec& spec,
                                const QueryLimits& limits = {});

}  // namespace batuta::datasets
