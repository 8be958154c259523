#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/clock.h"
#include "core/result.h"

namespace batuta {

// One line of the audit log: who did what, when, from where, to which object, and how it
// ended. `details` is small structured context and must never hold a secret (a password, a
// key, a session id): the code that writes entries is responsible for that.
struct AuditEntry {
  std::int64_t seq = 0;  // assigned by Append, increasing
  TimePoint at;
  std::string actor_kind;  // "user", "api_key", "system", "anonymous"
  std::optional<std::string> actor_id;
  std::string actor_name;   // username, key prefix, "cli", or the name tried at login
  std::string action;       // "auth.login", "user.update", "api_key.revoke", ...
  std::string target_type;  // "user", "api_key", "session", ...
  std::string target_id;
  std::string remote_address;
  std::string outcome;  // "success", "failure", "denied"
  nlohmann::json details = nlohmann::json::object();
};

struct AuditFilter {
  std::optional<std::string> actor_name;
  // An exact action, or a prefix when it ends with '.' ("user." matches "user.create").
  std::optional<std::string> action;
  std::optional<std::string> target_type;
  std::optional<std::string> target_id;
  std::optional<std::string> outcome;
  std::optional<TimePoint> from;           // inclusive
  std::optional<TimePoint> to;             // exclusive
  std::optional<std::int64_t> before_seq;  // paging: entries older than this one
  int limit = 50;
};

// Append-only: there is no way to change or delete an entry through batuta (the SQLite schema
// refuses UPDATE and DELETE too). Thread-safe.
class AuditRepository {
 public:
  virtual ~AuditRepository() = default;

  // Stores `entry` (its seq is ignored) and returns the seq assigned.
  virtual Result<std::int64_t> Append(const AuditEntry& entry) = 0;
  // Matching entries, newest (highest seq) first, at most filter.limit.
  virtual Result<std::vector<AuditEntry>> List(const AuditFilter& filter) = 0;
};

}  // namespace batuta
