#include "store/sqlite/sqlite_api_key_repository.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "store/sqlite/columns.h"
#include "store/sqlite/sqlite_user_repository.h"

namespace batuta::sqlite {
namespace {

constexpr std::string_view kKeyColumns =
    "k.id, k.prefix, k.key_hash, k.user_id, u.username, k.name, k.role, k.datasets, "
    "k.created_at, k.expires_at, k.revoked_at, k.last_used_at, k.last_used_address";
constexpr int kKeyColumnCount = 13;

Result<ApiKeyRecord> ReadKey(const Statement& statement) {
  ApiKeyRecord key;
  key.id = statement.ColumnText(0);
  key.prefix = statement.ColumnText(1);
  key.key_hash = statement.ColumnText(2);
  key.user_id = statement.ColumnText(3);
  key.username = statement.ColumnText(4);
  key.name = statement.ColumnText(5);
  key.role = statement.ColumnText(6);
  if (!statement.ColumnIsNull(7)) {
    const auto parsed = nlohmann::json::parse(statement.ColumnText(7), nullptr, false);
    if (!parsed.is_array()) return Error::Internal("api_keys.datasets is not a JSON array");
    std::vector<std::string> datasets;
    for (const auto& name : parsed) {
      if (!name.is_string()) return Error::Internal("api_keys.datasets holds a non-string");
      datasets.push_back(name.get<std::string>());
    }
    key.datasets = std::move(datasets);
  }
  auto created = ColumnTime(statement, 8);
  if (!created.ok()) return std::move(created).error();
  key.created_at = *created;
  auto expires = ColumnOptionalTime(statement, 9);
  auto revoked = ColumnOptionalTime(statement, 10);
  auto used = ColumnOptionalTime(statement, 11);
  if (!expires.ok()) return std::move(expires).error();
  if (!revoked.ok()) return std::move(revoked).error();
  if (!used.ok()) return std::move(used).error();
  key.expires_at = *expires;
  key.revoked_at = *revoked;
  key.last_used_at = *used;
  key.last_used_address = ColumnOptionalText(statement, 12);
  return key;
}

}  // namespace

Status SqliteApiKeyRepository::Create(const ApiKeyRecord& key) {
  auto writer = pool_.Writer();
  auto insert = writer->Prepare(
      "INSERT INTO api_keys (id, prefix, key_hash, user_id, name, role, datasets, created_at, "
      "expires_at, revoked_at, last_used_at, last_used_address) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)");
  if (!insert.ok()) return std::move(insert).error();
  BATUTA_RETURN_IF_ERROR(insert->Bind(1, key.id));
  BATUTA_RETURN_IF_ERROR(insert->Bind(2, key.prefix));
  BATUTA_RETURN_IF_ERROR(insert->Bind(3, key.key_hash));
  BATUTA_RETURN_IF_ERROR(insert->Bind(4, key.user_id));
  BATUTA_RETURN_IF_ERROR(insert->Bind(5, key.name));
  BATUTA_RETURN_IF_ERROR(insert->Bind(6, key.role));
  std::optional<std::string> datasets;
  if (key.datasets) datasets = nlohmann::json(*key.datasets).dump();
  BATUTA_RETURN_IF_ERROR(BindOptionalText(*insert, 7, datasets));
  BATUTA_RETURN_IF_ERROR(BindTime(*insert, 8, key.created_at));
  BATUTA_RETURN_IF_ERROR(BindOptionalTime(*insert, 9, key.expires_at));
  BATUTA_RETURN_IF_ERROR(BindOptionalTime(*insert, 10, key.revoked_at));
  BATUTA_RETURN_IF_ERROR(BindOptionalTime(*insert, 11, key.last_used_at));
  BATUTA_RETURN_IF_ERROR(BindOptionalText(*insert, 12, key.last_used_address));
  return insert->Run();
}

Result<std::optional<ApiKeyWithOwner>> SqliteApiKeyRepository::FindByPrefix(
    std::string_view prefix) {
  auto reader = pool_.Reader();
  auto select =
      reader->Prepare(fmt::format("SELECT {}, {} FROM api_keys k JOIN users u ON u.id = k.user_id "
                                  "WHERE k.prefix = ?1",
                                  kKeyColumns, kUserColumns));
  if (!select.ok()) return std::move(select).error();
  BATUTA_RETURN_IF_ERROR(select->Bind(1, prefix));
  auto row = select->Step();
  if (!row.ok()) return std::move(row).error();
  if (!*row) return std::optional<ApiKeyWithOwner>();
  auto key = ReadKey(*select);
  if (!key.ok()) return std::move(key).error();
  auto owner = ReadUser(*select, kKeyColumnCount);
  if (!owner.ok()) return std::move(owner).error();
  return std::optional<ApiKeyWithOwner>(
      ApiKeyWithOwner{std::move(key).value(), std::move(owner).value()});
}

Result<std::optional<ApiKeyRecord>> SqliteApiKeyRepository::FindById(std::string_view id) {
  auto reader = pool_.Reader();
  auto select = reader->Prepare(fmt::format(
      "SELECT {} FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.id = ?1", kKeyColumns));
  if (!select.ok()) return std::move(select).error();
  BATUTA_RETURN_IF_ERROR(select->Bind(1, id));
  auto row = select->Step();
  if (!row.ok()) return std::move(row).error();
  if (!*row) return std::optional<ApiKeyRecord>();
  auto key = ReadKey(*select);
  if (!key.ok()) return std::move(key).error();
  return std::optional<ApiKeyRecord>(std::move(key).value());
}

Result<std::vector<ApiKeyRecord>> SqliteApiKeyRepository::List(
    std::optional<std::string_view> user_id) {
  auto reader = pool_.Reader();
  auto select = reader->Prepare(
      fmt::format("SELECT {} FROM api_keys k JOIN users u ON u.id = k.user_id "
                  "WHERE ?1 IS NULL OR k.user_id = ?1 ORDER BY k.created_at DESC, k.id DESC",
                  kKeyColumns));
  if (!select.ok()) return std::move(select).error();
  if (user_id) {
    BATUTA_RETURN_IF_ERROR(select->Bind(1, *user_id));
  } else {
    BATUTA_RETURN_IF_ERROR(select->BindNull(1));
  }
  std::vector<ApiKeyRecord> keys;
  while (true) {
    auto row = select->Step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) break;
    auto key = ReadKey(*select);
    if (!key.ok()) return std::move(key).error();
    keys.push_back(std::move(key).value());
  }
  return keys;
}

Status SqliteApiKeyRepository::Revoke(std::string_view id, TimePoint at) {
  auto writer = pool_.Writer();
  auto update =
      writer->Prepare("UPDATE api_keys SET revoked_at = coalesce(revoked_at, ?2) WHERE id = ?1");
  if (!update.ok()) return std::move(update).error();
  BATUTA_RETURN_IF_ERROR(update->Bind(1, id));
  BATUTA_RETURN_IF_ERROR(BindTime(*update, 2, at));
  BATUTA_RETURN_IF_ERROR(update->Run());
  if (update->Changes() == 0) return Error::NotFound(fmt::format("no API key with id '{}'", id));
  return Ok();
}

Status SqliteApiKeyRepository::RecordUse(std::string_view id, TimePoint at,
                                         std::string_view address) {
  auto writer = pool_.Writer();
  auto update = writer->Prepare(
      "UPDATE api_keys SET last_used_at = ?2, last_used_address = ?3 WHERE id = ?1");
  if (!update.ok()) return std::move(update).error();
  BATUTA_RETURN_IF_ERROR(update->Bind(1, id));
  BATUTA_RETURN_IF_ERROR(BindTime(*update, 2, at));
  BATUTA_RETURN_IF_ERROR(update->Bind(3, address));
  return update->Run();
}

}  // namespace batuta::sqlite
