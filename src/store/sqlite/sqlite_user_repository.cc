#include "store/sqlite/sqlite_user_repository.h"

#include <fmt/format.h>

#include "store/sqlite/columns.h"
#include "store/sqlite/transaction.h"

namespace batuta::sqlite {
namespace {

std::string UsernameKey(std::string_view username) {
  std::string key(username);
  for (auto& c : key) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return key;
}

Status InsertUser(Connection& connection, const UserRecord& user) {
  auto insert = connection.Prepare(
      "INSERT INTO users (id, username, username_key, display_name, role, active, password_hash, "
      "created_at, updated_at, password_changed_at, last_login_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  if (!insert.ok()) return std::move(insert).error();
  BATUTA_RETURN_IF_ERROR(insert->Bind(1, user.id));
  BATUTA_RETURN_IF_ERROR(insert->Bind(2, user.username));
  BATUTA_RETURN_IF_ERROR(insert->Bind(3, UsernameKey(user.username)));
  BATUTA_RETURN_IF_ERROR(insert->Bind(4, user.display_name));
  BATUTA_RETURN_IF_ERROR(insert->Bind(5, user.role));
  BATUTA_RETURN_IF_ERROR(insert->Bind(6, std::int64_t{user.active ? 1 : 0}));
  BATUTA_RETURN_IF_ERROR(insert->Bind(7, user.password_hash));
  BATUTA_RETURN_IF_ERROR(BindTime(*insert, 8, user.created_at));
  BATUTA_RETURN_IF_ERROR(BindTime(*insert, 9, user.updated_at));
  BATUTA_RETURN_IF_ERROR(BindTime(*insert, 10, user.password_changed_at));
  BATUTA_RETURN_IF_ERROR(BindOptionalTime(*insert, 11, user.last_login_at));
  auto ran = insert->Run();
  if (!ran.ok() && ran.error().code == ErrorCode::kConflict) {
    return Error::Conflict(fmt::format("the username '{}' is taken", user.username));
  }
  return ran;
}

Result<std::optional<UserRecord>> SelectOne(Connection& connection, std::string_view where,
                                            std::string_view value) {
  auto select =
      connection.Prepare(fmt::format("SELECT {} FROM users u WHERE {} = ?1", kUserColumns, where));
  if (!select.ok()) return std::move(select).error();
  BATUTA_RETURN_IF_ERROR(select->Bind(1, value));
  auto row = select->Step();
  if (!row.ok()) return std::move(row).error();
  if (!*row) return std::optional<UserRecord>();
  auto user = ReadUser(*select, 0);
  if (!user.ok()) return std::move(user).error();
  return std::optional<UserRecord>(std::move(user).value());
}

Result<std::int64_t> CountActiveAdmins(Connection& connection) {
  auto count = connection.Prepare("SELECT count(*) FROM users WHERE role = ?1 AND active = 1");
  if (!count.ok()) return std::move(count).error();
  BATUTA_RETURN_IF_ERROR(count->Bind(1, UserRepository::kAdminRole));
  auto row = count->Step();
  if (!row.ok()) return std::move(row).error();
  return count->ColumnInt(0);
}

Status DeleteSessionsOf(Connection& connection, std::string_view user_id) {
  auto remove = connection.Prepare("DELETE FROM sessions WHERE user_id = ?1");
  if (!remove.ok()) return std::move(remove).error();
  BATUTA_RETURN_IF_ERROR(remove->Bind(1, user_id));
  return remove->Run();
}

}  // namespace

Result<UserRecord> ReadUser(const Statement& statement, int first) {
  UserRecord user;
  user.id = statement.ColumnText(first);
  user.username = statement.ColumnText(first + 1);
  user.display_name = statement.ColumnText(first + 2);
  user.role = statement.ColumnText(first + 3);
  user.active = statement.ColumnInt(first + 4) != 0;
  user.password_hash = statement.ColumnText(first + 5);
  auto created = ColumnTime(statement, first + 6);
  if (!created.ok()) return std::move(created).error();
  user.created_at = *created;
  auto updated = ColumnTime(statement, first + 7);
  if (!updated.ok()) return std::move(updated).error();
  user.updated_at = *updated;
  auto changed = ColumnTime(statement, first + 8);
  if (!changed.ok()) return std::move(changed).error();
  user.password_changed_at = *changed;
  auto login = ColumnOptionalTime(statement, first + 9);
  if (!login.ok()) return std::move(login).error();
  user.last_login_at = *login;
  return user;
}

Status SqliteUserRepository::Create(const UserRecord& user) {
  auto writer = pool_.Writer();
  return InsertUser(*writer, user);
}

Result<bool> SqliteUserRepository::CreateIfNoUsers(const UserRecord& user) {
  auto writer = pool_.Writer();
  auto transaction = Transaction::BeginImmediate(*writer);
  if (!transaction.ok()) return std::move(transaction).error();
  auto count = writer->Prepare("SELECT count(*) FROM users");
  if (!count.ok()) return std::move(count).error();
  auto row = count->Step();
  if (!row.ok()) return std::move(row).error();
  if (count->ColumnInt(0) > 0) return false;
  BATUTA_RETURN_IF_ERROR(InsertUser(*writer, user));
  BATUTA_RETURN_IF_ERROR(transaction->Commit());
  return true;
}

Result<std::optional<UserRecord>> SqliteUserRepository::FindById(std::string_view id) {
  auto reader = pool_.Reader();
  return SelectOne(*reader, "u.id", id);
}

Result<std::optional<UserRecord>> SqliteUserRepository::FindByUsername(std::string_view username) {
  auto reader = pool_.Reader();
  return SelectOne(*reader, "u.username_key", UsernameKey(username));
}

Result<std::vector<UserRecord>> SqliteUserRepository::List() {
  auto reader = pool_.Reader();
  auto select =
      reader->Prepare(fmt::format("SELECT {} FROM users u ORDER BY u.username_key", kUserColumns));
  if (!select.ok()) return std::move(select).error();
  std::vector<UserRecord> users;
  while (true) {
    auto row = select->Step();
    if (!row.ok()) return std::move(row).error();
    if (!*row) break;
    auto user = ReadUser(*select, 0);
    if (!user.ok()) return std::move(user).error();
    users.push_back(std::move(user).value());
  }
  return users;
}

Result<UserRecord> SqliteUserRepository::Update(std::string_view id, const UserChanges& changes,
                                                TimePoint now) {
  auto writer = pool_.Writer();
  auto transaction = Transaction::BeginImmediate(*writer);
  if (!transaction.ok()) return std::move(transaction).error();
  auto current = SelectOne(*writer, "u.id", id);
  if (!current.ok()) return std::move(current).error();
  if (!current->has_value()) return Error::NotFound(fmt::format("no user with id '{}'", id));
  UserRecord user = std::move(**current);
  const bool was_admin = user.active && user.role == kAdminRole;
  if (changes.display_name) user.display_name = *changes.display_name;
  if (changes.role) user.role = *changes.role;
  if (changes.active) user.active = *changes.active;
  user.updated_at = now;

  auto update = writer->Prepare(
      "UPDATE users SET display_name = ?2, role = ?3, active = ?4, updated_at = ?5 WHERE id = ?1");
  if (!update.ok()) return std::move(update).error();
  BATUTA_RETURN_IF_ERROR(update->Bind(1, id));
  BATUTA_RETURN_IF_ERROR(update->Bind(2, user.display_name));
  BATUTA_RETURN_IF_ERROR(update->Bind(3, user.role));
  BATUTA_RETURN_IF_ERROR(update->Bind(4, std::int64_t{user.active ? 1 : 0}));
  BATUTA_RETURN_IF_ERROR(BindTime(*update, 5, now));
  BATUTA_RETURN_IF_ERROR(update->Run());

  if (was_admin && !(user.active && user.role == kAdminRole)) {
    auto admins = CountActiveAdmins(*writer);
    if (!admins.ok()) return std::move(admins).error();
    if (*admins == 0) {
      // The transaction is rolled back when it goes out of scope.
      return Error{ErrorCode::kConflict,
                   "this is the last active admin: make another user admin first",
                   {{"reason", "last_admin"}}};
    }
  }
  if (!user.active) BATUTA_RETURN_IF_ERROR(DeleteSessionsOf(*writer, id));
  BATUTA_RETURN_IF_ERROR(transaction->Commit());
  return user;
}

Status SqliteUserRepository::SetPassword(std::string_view id, std::string_view password_hash,
                                         TimePoint now) {
  auto writer = pool_.Writer();
  auto transaction = Transaction::BeginImmediate(*writer);
  if (!transaction.ok()) return std::move(transaction).error();
  auto update = writer->Prepare(
      "UPDATE users SET password_hash = ?2, password_changed_at = ?3, updated_at = ?3 "
      "WHERE id = ?1");
  if (!update.ok()) return std::move(update).error();
  BATUTA_RETURN_IF_ERROR(update->Bind(1, id));
  BATUTA_RETURN_IF_ERROR(update->Bind(2, password_hash));
  BATUTA_RETURN_IF_ERROR(BindTime(*update, 3, now));
  BATUTA_RETURN_IF_ERROR(update->Run());
  if (update->Changes() == 0) return Error::NotFound(fmt::format("no user with id '{}'", id));
  BATUTA_RETURN_IF_ERROR(DeleteSessionsOf(*writer, id));
  return transaction->Commit();
}

Status SqliteUserRepository::ReplacePasswordHash(std::string_view id, std::string_view old_hash,
                                                 std::string_view new_hash) {
  auto writer = pool_.Writer();
  auto update =
      writer->Prepare("UPDATE users SET password_hash = ?3 WHERE id = ?1 AND password_hash = ?2");
  if (!update.ok()) return std::move(update).error();
  BATUTA_RETURN_IF_ERROR(update->Bind(1, id));
  BATUTA_RETURN_IF_ERROR(update->Bind(2, old_hash));
  BATUTA_RETURN_IF_ERROR(update->Bind(3, new_hash));
  return update->Run();
}

Status SqliteUserRepository::RecordLogin(std::string_view id, TimePoint at) {
  auto writer = pool_.Writer();
  auto update = writer->Prepare("UPDATE users SET last_login_at = ?2 WHERE id = ?1");
  if (!update.ok()) return std::move(update).error();
  BATUTA_RETURN_IF_ERROR(update->Bind(1, id));
  BATUTA_RETURN_IF_ERROR(BindTime(*update, 2, at));
  return update->Run();
}

}  // namespace batuta::sqlite
