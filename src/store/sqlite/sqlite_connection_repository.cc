#include "store/sqlite/sqlite_connection_repository.h"

#include <fmt/format.h>

#include <string>
#include <utility>

#include "store/sqlite/columns.h"

namespace batuta::sqlite {
namespace {

constexpr std::string_view kColumns =
    "id, name, kind, description, settings, secrets, created_at, updated_at, updated_by";

Result<ConnectionRecord> ReadConnection(const Statement& statement) {
  ConnectionRecord connection;
  connection.id = statement.ColumnText(0);
  connection.name = statement.ColumnText(1);
  connection.kind = statement.ColumnText(2);
  connection.description = statement.ColumnText(3);
  auto settings = ColumnJson(statement, 4, "connections.settings");
  if (!settings.ok()) return std::move(settings).error();
  connection.settings = std::move(*settings);
  auto secrets = ColumnJson(statement, 5, "connections.secrets");
  if (!secrets.ok()) return std::move(secrets).error();
  connection.secrets = std::move(*secrets);
  auto created = ColumnTime(statement, 6);
  if (!created.ok()) return std::move(created).error();
  connection.created_at = *created;
  auto updated = ColumnTime(statement, 7);
  if (!updated.ok()) return std::move(updated).error();
  connection.updated_at = *updated;
  connection.updated_by = statement.ColumnText(8);
  return connection;
}

Result<std::optional<ConnectionRecord>> SelectOne(Connection& db, std::string_view column,
                                                  std::string_view value) {
  auto select =
      db.Prepare(fmt::format("SELECT {} FROM connections WHERE {} = ?1", kColumns, column));
  if (!select.ok()) return std::move(select).error();
  BATUTA_RETURN_IF_ERROR(select->Bind(1, value));
  auto row = select->Step();
  if (!row.ok()) return std::move(row).error();
  if (!*row) return std::optional<ConnectionRecord>();
  auto connection = ReadConnection(*select);
  if (!connection.ok()) return std::move(connection).error();
  return std::optional<ConnectionRecord>(std::move(connection).value());
}

Error NameTaken(std::string_view name) {
  return Error::Conflict(fmt::format("the connection name '{}' is taken", name));
}

}  // namespace

Status SqliteConnectionRepository::Create(const ConnectionRecord& connection) {
  auto writer = pool_.Writer();
  auto insert = writer->Prepare(
      "INSERT INTO connections (id, name, kind, description, settings, secrets, created_at, "
      "updated_at, updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
  if (!insert.ok()) return std::move(insert).error();
  BATUTA_RETURN_IF_ERROR(insert->Bind(1, connection.id));
  BATUTA_RETURN_IF_ERROR(insert->Bind(2, connection.name));
  BATUTA_RETURN_IF_ERROR(insert->Bind(3, connection.kind));
  BATUTA_RETURN_IF_ERROR(insert->Bind(4, connection.description));
  BATUTA_RETURN_IF_ERROR(BindJson(*insert, 5, connection.settings));
  BATUTA_RETURN_IF_ERROR(BindJson(*insert, 6, connection.secrets));
  BATUTA_RETURN_IF_ERROR(BindTime(*insert, 7, connection.created_at));
  BATUTA_RETURN_IF_ERROR(BindTime(*insert, 8, connection.updated_at));
  BATUTA_RETURN_IF_ERROR(insert->Bind(9, connection.updated_by));
  auto ran = insert->Run();
  if (!ran.ok() && ran.error().code == ErrorCode::kConflict) return NameTaken(connection.name);
  return ran;
}

Status SqliteConnectionRepository::Update(const ConnectionRecord& connection) {
  auto writer = pool_.Writer();
  auto update = writer->Prepare(
      "UPDATE connections SET name = ?2, description = ?3, settings = ?4, secrets = ?5, "
      "updated_at = ?6, updated_by = ?7 WHERE id = ?1");
  if (!update.ok()) return std::move(update).error();
  BATUTA_RETURN_IF_ERROR(update->Bind(1, connection.id));
  BATUTA_RETURN_IF_ERROR(update->Bind(2, connection.name));
  BATUTA_RETURN_IF_ERROR(update->Bind(3, connection.description));
  BATUTA_RETURN_IF_ERROR(BindJson(*update, 4, connection.settings));
  BATUTA_RETURN_IF_ERROR(BindJson(*update, 5, connection.secrets));
  BATUTA_RETURN_IF_ERROR(BindTime(*update, 6, connection.updated_at));
  BATUTA_RETURN_IF_ERROR(update->Bind(7, connection.updated_by));
  auto ran = update->Run();
  if (!ran.ok() && ran.error().code == ErrorCode::kConflict) return NameTaken(connection.name);
  BATUTA_RETURN_IF_ERROR(std::move(ran));
  if (update->Changes() == 0) {
    return Error::NotFound(fmt::format("no connection with id '{}'", connection.id));
  }
  return Ok();
}

Status SqliteConnectionRepository::Delete(std::string_view id) {
  auto writer = pool_.Writer();
  auto remove = writer->Prepare("DELETE FROM connections WHERE id = ?1");
  if (!remove.ok()) return std::move(remove).error();
  BATUTA_RETURN_IF_ERROR(remove->Bind(1, id));
  BATUTA_RETURN_IF_ERROR(remove->Run());
  if (remove->Changes() == 0) return Error::NotFound(fmt::format("no connection with id '{}'", id));
  return Ok();
}

Result<std::optional<ConnectionRecord>> SqliteConnectionRepository::FindById(std::string_view id) {
  auto reader = pool_.Reader();
  return SelectOne(*reader, "id", id);
}

Result<std::optional<ConnectionRecord>> SqliteConnectionRepository::FindByName(
    std::string_view name) {
  auto reader = pool_.Reader();
  return SelectOne(*reader, "name", name);
}

Result<std::vector<ConnectionRecord>> SqliteConnectionRepository::List() {
  auto reader = pool_.Reader();
  static const std::string kSelect =
      fmt::format("SELECT {} FROM connections ORDER BY name", kColumns);
  auto select = reader->Prepare(kSelect);
  if (!select.ok()) return std::move(select).error();
  std::vector<ConnectionRecord> connections;
  while (true) {
    auto row = select->Step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) break;
    auto connection = ReadConnection(*select);
    if (!connection.ok()) return std::move(connection).error();
    connections.push_back(std::move(connection).value());
  }
  return connections;
}

}  // namespace batuta::sqlite
