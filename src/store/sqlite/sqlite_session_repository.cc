#include "store/sqlite/sqlite_session_repository.h"

#include <fmt/format.h>

#include "store/sqlite/columns.h"
#include "store/sqlite/sqlite_user_repository.h"
#include "store/sqlite/time_text.h"

namespace batuta::sqlite {

Status SqliteSessionRepository::Create(const SessionRecord& session) {
  auto writer = pool_.Writer();
  auto insert = writer->Prepare(
      "INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at, "
      "remote_address, user_agent) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
  if (!insert.ok()) return std::move(insert).error();
  BATUTA_RETURN_IF_ERROR(insert->Bind(1, session.id_hash));
  BATUTA_RETURN_IF_ERROR(insert->Bind(2, session.user_id));
  BATUTA_RETURN_IF_ERROR(BindTime(*insert, 3, session.created_at));
  BATUTA_RETURN_IF_ERROR(BindTime(*insert, 4, session.last_seen_at));
  BATUTA_RETURN_IF_ERROR(BindTime(*insert, 5, session.expires_at));
  BATUTA_RETURN_IF_ERROR(insert->Bind(6, session.remote_address));
  BATUTA_RETURN_IF_ERROR(insert->Bind(7, session.user_agent));
  return insert->Run();
}

Result<std::optional<SessionWithUser>> SqliteSessionRepository::Find(std::string_view id_hash) {
  auto reader = pool_.Reader();
  auto select = reader->Prepare(fmt::format(
      "SELECT s.id_hash, s.user_id, s.created_at, s.last_seen_at, s.expires_at, "
      "s.remote_address, s.user_agent, {} FROM sessions s JOIN users u ON u.id = s.user_id "
      "WHERE s.id_hash = ?1",
      kUserColumns));
  if (!select.ok()) return std::move(select).error();
  BATUTA_RETURN_IF_ERROR(select->Bind(1, id_hash));
  auto row = select->Step();
  if (!row.ok()) return std::move(row).error();
  if (!*row) return std::optional<SessionWithUser>();
  SessionWithUser found;
  found.session.id_hash = select->ColumnText(0);
  found.session.user_id = select->ColumnText(1);
  auto created = ColumnTime(*select, 2);
  auto seen = ColumnTime(*select, 3);
  auto expires = ColumnTime(*select, 4);
  if (!created.ok()) return std::move(created).error();
  if (!seen.ok()) return std::move(seen).error();
  if (!expires.ok()) return std::move(expires).error();
  found.session.created_at = *created;
  found.session.last_seen_at = *seen;
  found.session.expires_at = *expires;
  found.session.remote_address = select->ColumnText(5);
  found.session.user_agent = select->ColumnText(6);
  auto user = ReadUser(*select, 7);
  if (!user.ok()) return std::move(user).error();
  found.user = std::move(user).value();
  return std::optional<SessionWithUser>(std::move(found));
}

Status SqliteSessionRepository::Touch(std::string_view id_hash, TimePoint at) {
  auto writer = pool_.Writer();
  auto update = writer->Prepare(
      "UPDATE sessions SET last_seen_at = ?2 WHERE id_hash = ?1 AND last_seen_at < ?2");
  if (!update.ok()) return std::move(update).error();
  BATUTA_RETURN_IF_ERROR(update->Bind(1, id_hash));
  BATUTA_RETURN_IF_ERROR(BindTime(*update, 2, at));
  return update->Run();
}

Result<bool> SqliteSessionRepository::Delete(std::string_view id_hash) {
  auto writer = pool_.Writer();
  auto remove = writer->Prepare("DELETE FROM sessions WHERE id_hash = ?1");
  if (!remove.ok()) return std::move(remove).error();
  BATUTA_RETURN_IF_ERROR(remove->Bind(1, id_hash));
  BATUTA_RETURN_IF_ERROR(remove->Run());
  return remove->Changes() > 0;
}

Result<std::int64_t> SqliteSessionRepository::DeleteExpired(TimePoint now, TimePoint idle_before) {
  auto writer = pool_.Writer();
  auto remove = writer->Prepare("DELETE FROM sessions WHERE expires_at <= ?1 OR last_seen_at < ?2");
  if (!remove.ok()) return std::move(remove).error();
  BATUTA_RETURN_IF_ERROR(BindTime(*remove, 1, now));
  BATUTA_RETURN_IF_ERROR(BindTime(*remove, 2, idle_before));
  BATUTA_RETURN_IF_ERROR(remove->Run());
  return remove->Changes();
}

}  // namespace batuta::sqlite
