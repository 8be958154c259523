#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "auth/password_hasher.h"
#include "core/clock.h"
#include "core/id.h"
#include "http/request.h"
#include "store/sqlite/sqlite_store.h"
#include "temp_dir.h"

namespace batuta::auth {

// Holds slots of a PasswordHasher as if that many hashes were running, so tests reach the
// "all slots busy" state without racing real threads.
class PasswordHasherTestPeer {
 public:
  PasswordHasherTestPeer(PasswordHasher& hasher, int slots) : hasher_(hasher), slots_(slots) {
    hasher_.in_use_ += slots_;
  }
  ~PasswordHasherTestPeer() { hasher_.in_use_ -= slots_; }
  PasswordHasherTestPeer(const PasswordHasherTestPeer&) = delete;
  PasswordHasherTestPeer& operator=(const PasswordHasherTestPeer&) = delete;

 private:
  PasswordHasher& hasher_;
  const int slots_;
};

namespace test {

// A whole millisecond, as the store keeps times.
extern const TimePoint kStart;

// Argon2id at libsodium's minimum cost: many hashes per test stay cheap.
PasswordHashParams CheapHashParams();

// Passes the password policy for any username used in these tests.
inline constexpr std::string_view kGoodPassword = "violet harbor tuesday";
inline constexpr std::string_view kOtherGoodPassword = "quiet lantern over marsh";

inline constexpr std::string_view kHost = "batuta.example:8080";
inline constexpr std::string_view kOrigin = "http://batuta.example:8080";
inline constexpr std::string_view kAddress = "192.0.2.10";

http::Request MakeRequest(http::Method method = http::Method::kGet, http::HeaderList headers = {},
                          std::string remote_address = std::string(kAddress));

// Every field of an audit entry as JSON, to search it for text that must not be there.
nlohmann::json AuditEntryJson(const AuditEntry& entry);

// True when `text` occurs in any file of `folder` (the database and its WAL included).
bool AnyFileContains(const std::filesystem::path& folder, std::string_view text);

// A migrated SqliteStore in a fresh temp dir, a ManualClock at kStart and a cheap hasher.
// The store is opened in the constructor so derived fixtures can build services on it.
class AuthTest : public ::testing::Test {
 protected:
  AuthTest();

  Store& store() { return *store_; }
  const std::filesystem::path& folder() const { return dir_.path(); }

  // A user stored directly (no audit entry), its password hashed by hasher_.
  UserRecord AddUser(std::string_view username, std::string_view role,
                     std::string_view password = kGoodPassword, bool active = true);
  // The user as stored now; fails the test when missing.
  UserRecord StoredUser(std::string_view id);
  // Every audit entry, newest first.
  std::vector<AuditEntry> AuditEntries();

  ManualClock clock_{kStart};
  PasswordHasher hasher_{CheapHashParams(), 4};

 private:
  batuta::testing::TempDir dir_;
  std::unique_ptr<SqliteStore> store_;
  IdGenerator ids_{clock_};
};

}  // namespace test
}  // namespace batuta::auth
