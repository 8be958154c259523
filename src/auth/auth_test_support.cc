#include "auth/auth_test_support.h"

#include <sodium.h>

#include <fstream>
#include <iterator>
#include <stdexcept>

namespace batuta::auth::test {

const TimePoint kStart = std::chrono::sys_days(std::chrono::year{2026} / 3 / 2) +
                         std::chrono::hours(9) + std::chrono::milliseconds(250);

PasswordHashParams CheapHashParams() {
  return {crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN};
}

http::Request MakeRequest(http::Method method, http::HeaderList headers,
                          std::string remote_address) {
  http::Request request;
  request.method = method;
  request.target = "/api/v1/test";
  request.path = "/api/v1/test";
  request.headers = std::move(headers);
  request.remote_address = std::move(remote_address);
  return request;
}

nlohmann::json AuditEntryJson(const AuditEntry& entry) {
  return {{"seq", entry.seq},
          {"at", FormatRfc3339(entry.at)},
          {"actor_kind", entry.actor_kind},
          {"actor_id", entry.actor_id.value_or("")},
          {"actor_name", entry.actor_name},
          {"action", entry.action},
          {"target_type", entry.target_type},
          {"target_id", entry.target_id},
          {"remote_address", entry.remote_address},
          {"outcome", entry.outcome},
          {"details", entry.details}};
}

bool AnyFileContains(const std::filesystem::path& folder, std::string_view text) {
  for (const auto& file : std::filesystem::recursive_directory_iterator(folder)) {
    if (!file.is_regular_file()) continue;
    std::ifstream in(file.path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (bytes.find(text) != std::string::npos) return true;
  }
  return false;
}

namespace {

std::unique_ptr<SqliteStore> OpenMigrated(const std::filesystem::path& file, const Clock& clock) {
  auto store = SqliteStore::Open(file, clock);
  if (!store.ok()) throw std::runtime_error("cannot open the store: " + store.error().message);
  auto migrated = (*store)->Migrate();
  if (!migrated.ok()) throw std::runtime_error("cannot migrate: " + migrated.error().message);
  return std::move(store).value();
}

}  // namespace

AuthTest::AuthTest() : store_(OpenMigrated(dir_.path() / "batuta.db", clock_)) {}

UserRecord AuthTest::AddUser(std::string_view username, std::string_view role,
                             std::string_view password, bool active) {
  auto hash = hasher_.Hash(password);
  if (!hash.ok()) throw std::runtime_error("cannot hash: " + hash.error().message);
  UserRecord user;
  user.id = ids_.Next();
  user.username = std::string(username);
  user.display_name = std::string(username);
  user.role = std::string(role);
  user.active = active;
  user.password_hash = std::move(hash).value();
  user.created_at = clock_.Now();
  user.updated_at = clock_.Now();
  user.password_changed_at = clock_.Now();
  const auto created = store_->Users().Create(user);
  if (!created.ok()) throw std::runtime_error("cannot create a user: " + created.error().message);
  return user;
}

UserRecord AuthTest::StoredUser(std::string_view id) {
  auto found = store_->Users().FindById(id);
  if (!found.ok() || !found->has_value()) {
    ADD_FAILURE() << "no stored user with id " << id;
    return {};
  }
  return std::move(**found);
}

std::vector<AuditEntry> AuthTest::AuditEntries() {
  AuditFilter filter;
  filter.limit = 1000;
  auto entries = store_->Audit().List(filter);
  if (!entries.ok()) {
    ADD_FAILURE() << "cannot list the audit log: " << entries.error().message;
    return {};
  }
  return std::move(entries).value();
}

}  // namespace batuta::auth::test
