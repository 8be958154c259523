#include "sources/postgres_rows.h"

#include <string_view>
#include <utility>

namespace batuta::sources {
namespace {

// Cuts the UTC offset off "2024-05-01 10:00:00.5+02" / "10:00:00+05:30". Values PostgreSQL
// prints without an offset (infinity) or with a BC suffix are left as they are.
std::string_view DropOffset(std::string_view text) {
  if (text.ends_with(" BC")) return text;
  const std::size_t time_start = text.find(' ') == std::string_view::npos ? 0 : text.find(' ');
  const std::size_t offset = text.find_first_of("+-", time_start);
  return offset == std::string_view::npos ? text : text.substr(0, offset);
}

}  // namespace

Status PostgresRowReader::Begin(const PGresult* result) {
  if (begun_) return Ok();
  begun_ = true;
  std::vector<rows::Column> columns;
  for (PostgresColumn& described : DescribePostgresColumns(result)) {
    columns.push_back(std::move(described.column));
    conversions_.push_back(described.text);
  }
  cells_.resize(columns.size());
  return sink_.Begin(columns);
}

Status PostgresRowReader::Deliver(const PGresult* result) {
  BATUTA_RETURN_IF_ERROR(Begin(result));
  const int row_count = PQntuples(result);
  for (int row = 0; row < row_count; ++row) {
    for (std::size_t i = 0; i < cells_.size(); ++i) {
      const int column = static_cast<int>(i);
      if (PQgetisnull(result, row, column)) {
        cells_[i] = rows::Cell::Null();
        continue;
      }
      std::string_view text(PQgetvalue(result, row, column),
                            static_cast<std::size_t>(PQgetlength(result, row, column)));
      switch (conversions_[i]) {
        case TextConversion::kAsIs:
          break;
        case TextConversion::kBoolean:
          text = text == "t" ? "true" : "false";
          break;
        case TextConversion::kZonedTime:
          text = DropOffset(text);
          break;
        case TextConversion::kHexBytes:
          if (text.starts_with("\\x")) text.remove_prefix(2);
          break;
      }
      cells_[i] = rows::Cell::Of(text);
    }
    BATUTA_RETURN_IF_ERROR(sink_.Row(cells_));
    ReportPostgresProgress(request_, ++delivered_);
  }
  return Ok();
}

}  // namespace batuta::sources
