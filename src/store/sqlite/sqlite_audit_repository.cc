#include "store/sqlite/sqlite_audit_repository.h"

#include "store/sqlite/columns.h"

namespace batuta::sqlite {
namespace {

// LIKE pattern that matches `prefix` literally at the start ('\' escapes % and _).
std::string LikePrefix(std::string_view prefix) {
  std::string pattern;
  for (const char c : prefix) {
    if (c == '%' || c == '_' || c == '\\') pattern += '\\';
    pattern += c;
  }
  pattern += '%';
  return pattern;
}

}  // namespace

Result<std::int64_t> SqliteAuditRepository::Append(const AuditEntry& entry) {
  auto writer = pool_.Writer();
  auto insert = writer->Prepare(
      "INSERT INTO audit_log (at, actor_kind, actor_id, actor_name, action, target_type, "
      "target_id, remote_address, outcome, details) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING seq");
  if (!insert.ok()) return std::move(insert).error();
  BATUTA_RETURN_IF_ERROR(BindTime(*insert, 1, entry.at));
  BATUTA_RETURN_IF_ERROR(insert->Bind(2, entry.actor_kind));
  BATUTA_RETURN_IF_ERROR(BindOptionalText(*insert, 3, entry.actor_id));
  BATUTA_RETURN_IF_ERROR(insert->Bind(4, entry.actor_name));
  BATUTA_RETURN_IF_ERROR(insert->Bind(5, entry.action));
  BATUTA_RETURN_IF_ERROR(insert->Bind(6, entry.target_type));
  BATUTA_RETURN_IF_ERROR(insert->Bind(7, entry.target_id));
  BATUTA_RETURN_IF_ERROR(insert->Bind(8, entry.remote_address));
  BATUTA_RETURN_IF_ERROR(insert->Bind(9, entry.outcome));
  BATUTA_RETURN_IF_ERROR(insert->Bind(10, entry.details.dump()));
  auto row = insert->Step();
  if (!row.ok()) return std::move(row).error();
  if (!*row) return Error::Internal("INSERT ... RETURNING seq returned no row");
  const std::int64_t seq = insert->ColumnInt(0);
  BATUTA_RETURN_IF_ERROR(insert->Run());
  return seq;
}

Result<std::vector<AuditEntry>> SqliteAuditRepository::List(const AuditFilter& filter) {
  auto reader = pool_.Reader();
  // Every filter is a bound parameter; an unset one is NULL and matches everything.
  auto select = reader->Prepare(
      "SELECT seq, at, actor_kind, actor_id, actor_name, action, target_type, target_id, "
      "remote_address, outcome, details FROM audit_log "
      "WHERE (?1 IS NULL OR actor_name = ?1) "
      "AND (?2 IS NULL OR action = ?2 OR (?3 IS NOT NULL AND action LIKE ?3 ESCAPE '\\')) "
      "AND (?4 IS NULL OR target_type = ?4) AND (?5 IS NULL OR target_id = ?5) "
      "AND (?6 IS NULL OR outcome = ?6) AND (?7 IS NULL OR at >= ?7) "
      "AND (?8 IS NULL OR at < ?8) AND (?9 IS NULL OR seq < ?9) "
      "ORDER BY seq DESC LIMIT ?10");
  if (!select.ok()) return std::move(select).error();
  BATUTA_RETURN_IF_ERROR(BindOptionalText(*select, 1, filter.actor_name));
  BATUTA_RETURN_IF_ERROR(BindOptionalText(*select, 2, filter.action));
  std::optional<std::string> action_prefix;
  if (filter.action && filter.action->ends_with('.')) action_prefix = LikePrefix(*filter.action);
  BATUTA_RETURN_IF_ERROR(BindOptionalText(*select, 3, action_prefix));
  BATUTA_RETURN_IF_ERROR(BindOptionalText(*select, 4, filter.target_type));
  BATUTA_RETURN_IF_ERROR(BindOptionalText(*select, 5, filter.target_id));
  BATUTA_RETURN_IF_ERROR(BindOptionalText(*select, 6, filter.outcome));
  BATUTA_RETURN_IF_ERROR(BindOptionalTime(*select, 7, filter.from));
  BATUTA_RETURN_IF_ERROR(BindOptionalTime(*select, 8, filter.to));
  if (filter.before_seq) {
    BATUTA_RETURN_IF_ERROR(select->Bind(9, *filter.before_seq));
  } else {
    BATUTA_RETURN_IF_ERROR(select->BindNull(9));
  }
  BATUTA_RETURN_IF_ERROR(select->Bind(10, std::int64_t{filter.limit}));
  std::vector<AuditEntry> entries;
  while (true) {
    auto row = select->Step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) break;
    AuditEntry entry;
    entry.seq = select->ColumnInt(0);
    auto at = ColumnTime(*select, 1);
    if (!at.ok()) return std::move(at).error();
    entry.at = *at;
    entry.actor_kind = select->ColumnText(2);
    entry.actor_id = ColumnOptionalText(*select, 3);
    entry.actor_name = select->ColumnText(4);
    entry.action = select->ColumnText(5);
    entry.target_type = select->ColumnText(6);
    entry.target_id = select->ColumnText(7);
    entry.remote_address = select->ColumnText(8);
    entry.outcome = select->ColumnText(9);
    entry.details = nlohmann::json::parse(select->ColumnText(10), nullptr, false);
    if (entry.details.is_discarded()) return Error::Internal("audit_log.details is not JSON");
    entries.push_back(std::move(entry));
  }
  return entries;
}

}  // namespace batuta::sqlite
