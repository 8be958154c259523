#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "store/user_repository.h"

namespace batuta {

// A signed-in browser session. The session id itself is never stored: `id_hash` is the
// SHA-256 of it (hex), so a copy of the database does not let anyone take over a session.
struct SessionRecord {
  std::string id_hash;
  std::string user_id;
  TimePoint created_at;
  TimePoint last_seen_at;
  TimePoint expires_at;  // absolute end, whatever the activity
  std::string remote_address;
  std::string user_agent;
};

// A session with its user as stored now (so one read decides who the caller is).
struct SessionWithUser {
  SessionRecord session;
  UserRecord user;
};

// Thread-safe; times are given by the caller. Deleting a user's sessions on password change
// and deactivation is done by UserRepository in the same transaction as the change.
class SessionRepository {
 public:
  virtual ~SessionRepository() = default;

  // kConflict if the id hash exists (a 256-bit random id never collides in practice).
  virtual Status Create(const SessionRecord& session) = 0;
  virtual Result<std::optional<SessionWithUser>> Find(std::string_view id_hash) = 0;
  // Moves last_seen_at forward (never backwards).
  virtual Status Touch(std::string_view id_hash, TimePoint at) = 0;
  // True when a session was deleted.
  virtual Result<bool> Delete(std::string_view id_hash) = 0;
  // Deletes the sessions past their absolute end or idle since before `idle_before`;
  // returns how many.
  virtual Result<std::int64_t> DeleteExpired(TimePoint now, TimePoint idle_before) = 0;
};

}  // namespace batuta
