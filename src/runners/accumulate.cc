#include "runners/accumulate.h"

#include <fmt/format.h>

#include <algorithm>

#include "datasets/csv_reader.h"

namespace batuta::runners {
namespace {

std::string Joined(const std::vector<std::string>& names) {
  return fmt::format("{}", fmt::join(names, ", "));
}

}  // namespace

std::string RowKey(std::span<const rows::Cell> cells, const std::vector<std::size_t>& columns) {
  std::string key;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (i > 0) key += '\x1f';
    const rows::Cell& cell = cells[columns[i]];
    if (cell.is_null) {
      key += '\x1e';  // NULL differs from every text
    } else {
      key += cell.text;
    }
  }
  return key;
}

Result<std::vector<std::size_t>> ColumnIndexes(std::span<const rows::Column> columns,
                                               const std::vector<std::string>& names,
                                               std::string_view field) {
  std::vector<std::size_t> indexes;
  for (const auto& name : names) {
    const auto it = std::find_if(columns.begin(), columns.end(),
                                 [&](const rows::Column& column) { return column.name == name; });
    if (it == columns.end()) {
      std::vector<std::string> known;
      for (const auto& column : columns) known.push_back(column.name);
      return Error::Validation(
          std::string(field),
          fmt::format("the query returns no column '{}'; it returns: {}", name, Joined(known)));
    }
    indexes.push_back(static_cast<std::size_t>(it - columns.begin()));
  }
  return indexes;
}

std::optional<std::string> CanonicalDate(std::string_view text,
                                         const datasets::TemporalFormat& format) {
  std::string canonical;
  if (!format.Parse(text, canonical)) return std::nullopt;
  canonical.resize(10);  // YYYY-MM-DD, of a date or a timestamp
  return canonical;
}

namespace {

// Fills `cells` from the reader's current record; NULL per null_text (see CopyAllRows).
Status RecordCells(const datasets::CsvRecord& record, const formats::CsvOptions& options,
                   std::size_t column_count, std::string_view what,
                   std::vector<rows::Cell>& cells) {
  if (record.fields.size() != column_count) {
    return Error::InvalidArgument(fmt::format("{}: row {} has {} fields, expected {}", what,
                                              record.row + 1, record.fields.size(), column_count));
  }
  cells.clear();
  for (const auto& field : record.fields) {
    if (!field.quoted && field.text == options.null_text) {
      cells.push_back(rows::Cell::Null());
    } else {
      cells.push_back(rows::Cell::Of(field.text));
    }
  }
  return Ok();
}

}  // namespace

Result<MergeCounts> CopyKeptRows(const std::string& path, const formats::CsvOptions& options,
                                 std::span<const rows::Column> columns, const ReplaceRule& rule,
                                 rows::RowSink& out) {
  MergeCounts counts;
  auto reader = datasets::CsvReader::OpenFile(path, options);
  if (!reader.ok()) {
    if (reader.error().code == ErrorCode::kNotFound) return counts;  // first run: nothing yet
    return std::move(reader).error();
  }
  std::vector<rows::Cell> cells;
  const bool timestamps =
      rule.date_column && columns[*rule.date_column].type == rows::ColumnType::kTimestamp;
  const datasets::TemporalFormat date_format =
      timestamps ? datasets::TemporalFormat(options.timestamp_format, rows::ColumnType::kTimestamp)
                 : datasets::TemporalFormat(options.date_format, rows::ColumnType::kDate);
  static const datasets::TemporalFormat kIsoDate("%Y-%m-%d", rows::ColumnType::kDate);
  bool first = true;
  while (true) {
    auto next = (*reader)->Next();
    if (!next.ok()) return std::move(next).error();
    if (first && options.header) {
      std::vector<std::string> expected;
      for (const auto& column : columns) expected.push_back(column.name);
      if ((*reader)->header() != expected) {
        return Error::Validation(
            "config.output.mode",
            fmt::format("the existing file has the columns [{}] but the query returns [{}]: "
                        "export once with mode overwrite to start it again",
                        Joined((*reader)->header()), Joined(expected)));
      }
    }
    first = false;
    if (!*next) break;
    BATUTA_RETURN_IF_ERROR(
        RecordCells((*reader)->record(), options, columns.size(), "the existing file", cells));
    bool replaced = false;
    if (!rule.key_columns.empty()) {
      replaced = rule.new_keys.contains(RowKey(cells, rule.key_columns));
    } else if (rule.date_column && !cells[*rule.date_column].is_null) {
      const std::string_view text = cells[*rule.date_column].text;
      auto day = CanonicalDate(text, date_format);
      if (!day && text.size() >= 10) day = CanonicalDate(text.substr(0, 10), kIsoDate);
      if (!day) {
        ++counts.undated;
      } else {
        replaced = *day >= rule.window_start;
      }
    }
    if (replaced) {
      ++counts.replaced;
      continue;
    }
    BATUTA_RETURN_IF_ERROR(out.Row(cells));
    ++counts.kept;
  }
  return counts;
}

Result<std::uint64_t> CopyAllRows(const std::string& path, const formats::CsvOptions& options,
                                  std::size_t column_count, rows::RowSink& out) {
  auto reader = datasets::CsvReader::OpenFile(path, options);
  if (!reader.ok()) return std::move(reader).error();
  std::vector<rows::Cell> cells;
  std::uint64_t rows = 0;
  while (true) {
    auto next = (*reader)->Next();
    if (!next.ok()) return std::move(next).error();
    if (!*next) break;
    BATUTA_RETURN_IF_ERROR(
        RecordCells((*reader)->record(), options, column_count, "the run's rows", cells));
    BATUTA_RETURN_IF_ERROR(out.Row(cells));
    ++rows;
  }
  return rows;
}

}  // namespace batuta::runners
