#include "store/sqlite/sqlite_run_log_repository.h"

#include <fmt/format.h>

#include <algorithm>

#include "store/sqlite/columns.h"
#include "store/sqlite/transaction.h"

namespace batuta::sqlite {

Status SqliteRunLogRepository::Append(std::string_view run_id, const std::vector<LogLine>& lines) {
  if (lines.empty()) return Ok();
  std::int64_t highest = 0;
  for (const LogLine& line : lines) {
    if (line.seq <= 0) {
      return Error::InvalidArgument(
          fmt::format("log line sequence numbers start at 1, got {}", line.seq));
    }
    highest = std::max(highest, line.seq);
  }
  auto writer = pool_.Writer();
  auto transaction = Transaction::BeginImmediate(*writer);
  if (!transaction.ok()) return std::move(transaction).error();
  {
    // First, so an unknown run is reported as such rather than as a foreign key failure.
    auto update = writer->Prepare("UPDATE runs SET log_lines = max(log_lines, ?2) WHERE id = ?1");
    if (!update.ok()) return std::move(update).error();
    BATUTA_RETURN_IF_ERROR(update->Bind(1, run_id));
    BATUTA_RETURN_IF_ERROR(update->Bind(2, highest));
    BATUTA_RETURN_IF_ERROR(update->Run());
    if (update->Changes() == 0) return Error::NotFound(fmt::format("no run with id '{}'", run_id));
  }
  for (const LogLine& line : lines) {
    auto insert = writer->Prepare(
        "INSERT OR IGNORE INTO run_logs (run_id, seq, at, level, message) "
        "VALUES (?1, ?2, ?3, ?4, ?5)");
    if (!insert.ok()) return std::move(insert).error();
    BATUTA_RETURN_IF_ERROR(insert->Bind(1, run_id));
    BATUTA_RETURN_IF_ERROR(insert->Bind(2, line.seq));
    BATUTA_RETURN_IF_ERROR(BindTime(*insert, 3, line.at));
    BATUTA_RETURN_IF_ERROR(insert->Bind(4, line.level));
    BATUTA_RETURN_IF_ERROR(insert->Bind(5, line.message));
    BATUTA_RETURN_IF_ERROR(insert->Run());
  }
  return transaction->Commit();
}

Result<std::vector<LogLine>> SqliteRunLogRepository::ListAfter(std::string_view run_id,
                                                               std::int64_t after_seq, int limit) {
  auto reader = pool_.Reader();
  auto select = reader->Prepare(
      "SELECT seq, at, level, message FROM run_logs WHERE run_id = ?1 AND seq > ?2 "
      "ORDER BY seq LIMIT ?3");
  if (!select.ok()) return std::move(select).error();
  BATUTA_RETURN_IF_ERROR(select->Bind(1, run_id));
  BATUTA_RETURN_IF_ERROR(select->Bind(2, after_seq));
  BATUTA_RETURN_IF_ERROR(select->Bind(3, std::int64_t{std::max(limit, 0)}));
  std::vector<LogLine> lines;
  while (true) {
    auto row = select->Step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) break;
    LogLine line;
    line.seq = select->ColumnInt(0);
    auto at = ColumnTime(*select, 1);
    if (!at.ok()) return std::move(at).error();
    line.at = *at;
    line.level = select->ColumnText(2);
    line.message = select->ColumnText(3);
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace batuta::sqlite
