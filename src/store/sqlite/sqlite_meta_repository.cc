#include "store/sqlite/sqlite_meta_repository.h"

#include "store/sqlite/time_text.h"
#include "store/sqlite/transaction.h"

namespace batuta::sqlite {
namespace {

Result<std::optional<std::string>> SelectValue(Connection& connection, std::string_view key) {
  auto select = connection.Prepare("SELECT value FROM instance_meta WHERE key = ?1");
  if (!select.ok()) return std::move(select).error();
  BATUTA_RETURN_IF_ERROR(select->Bind(1, key));
  auto row = select->Step();
  if (!row.ok()) return std::move(row).error();
  if (!*row) return std::optional<std::string>();
  return std::optional<std::string>(select->ColumnText(0));
}

}  // namespace

Result<std::optional<std::string>> SqliteMetaRepository::DoGet(std::string_view key) {
  auto reader = pool_.Reader();
  return SelectValue(*reader, key);
}

Status SqliteMetaRepository::DoPut(std::string_view key, std::string_view value) {
  const std::string now = TimeToText(clock_.Now());
  auto writer = pool_.Writer();
  auto upsert = writer->Prepare(
      "INSERT INTO instance_meta (key, value, updated_at) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at");
  if (!upsert.ok()) return std::move(upsert).error();
  BATUTA_RETURN_IF_ERROR(upsert->Bind(1, key));
  BATUTA_RETURN_IF_ERROR(upsert->Bind(2, value));
  BATUTA_RETURN_IF_ERROR(upsert->Bind(3, now));
  return upsert->Run();
}

Result<std::string> SqliteMetaRepository::DoPutIfAbsent(std::string_view key,
                                                        std::string_view value) {
  const std::string now = TimeToText(clock_.Now());
  auto writer = pool_.Writer();
  // One transaction: the value read back is the one that won, even against other processes.
  auto transaction = Transaction::BeginImmediate(*writer);
  if (!transaction.ok()) return std::move(transaction).error();
  {
    auto insert = writer->Prepare(
        "INSERT INTO instance_meta (key, value, updated_at) VALUES (?1, ?2, ?3) "
        "ON CONFLICT (key) DO NOTHING");
    if (!insert.ok()) return std::move(insert).error();
    BATUTA_RETURN_IF_ERROR(insert->Bind(1, key));
    BATUTA_RETURN_IF_ERROR(insert->Bind(2, value));
    BATUTA_RETURN_IF_ERROR(insert->Bind(3, now));
    BATUTA_RETURN_IF_ERROR(insert->Run());
  }
  auto stored = SelectValue(*writer, key);
  if (!stored.ok()) return std::move(stored).error();
  if (!stored->has_value()) {
    return Error::Internal("instance_meta row vanished inside its own transaction");
  }
  BATUTA_RETURN_IF_ERROR(transaction->Commit());
  return std::move(**stored);
}

}  // namespace batuta::sqlite
