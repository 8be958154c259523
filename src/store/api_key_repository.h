#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"
#include "store/user_repository.h"

namespace batuta {

// A credential for programs. Only the SHA-256 of the key is stored (`key_hash`, hex); the
// `prefix` is the visible start of the key, unique, used to find the row and to let people
// recognise a key in lists.
struct ApiKeyRecord {
  std::string id;
  std::string prefix;
  std::string key_hash;
  std::string user_id;
  std::string username;  // of user_id; filled on reads, ignored by Create
  std::string name;
  std::string role;
  std::optional<std::vector<std::string>> datasets;  // nullopt: every dataset the role reads
  TimePoint created_at;
  std::optional<TimePoint> expires_at;
  std::optional<TimePoint> revoked_at;
  std::optional<TimePoint> last_used_at;
  std::optional<std::string> last_used_address;
};

struct ApiKeyWithOwner {
  ApiKeyRecord key;
  UserRecord owner;
};

// Thread-safe; times are given by the caller.
class ApiKeyRepository {
 public:
  virtual ~ApiKeyRepository() = default;

  // kConflict when the id or prefix exists or the user does not.
  virtual Status Create(const ApiKeyRecord& key) = 0;
  virtual Result<std::optional<ApiKeyWithOwner>> FindByPrefix(std::string_view prefix) = 0;
  virtual Result<std::optional<ApiKeyRecord>> FindById(std::string_view id) = 0;
  // Newest first; all users' keys when `user_id` is nullopt.
  virtual Result<std::vector<ApiKeyRecord>> List(std::optional<std::string_view> user_id) = 0;
  // Sets revoked_at if not yet revoked. kNotFound for an unknown id; revoking twice is Ok and
  // keeps the first time.
  virtual Status Revoke(std::string_view id, TimePoint at) = 0;
  virtual Status RecordUse(std::string_view id, TimePoint at, std::string_view address) = 0;
};

}  // namespace batuta
