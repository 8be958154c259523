#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "auth/principal.h"
#include "core/clock.h"
#include "http/request.h"
#include "store/store.h"

namespace batuta::auth {

// Who an audit entry names as having acted.
struct Actor {
  std::string kind;  // "user", "api_key", "system", "anonymous"
  std::optional<std::string> id;
  std::string name;
  std::string remote_address;

  static Actor Of(const Principal& principal, const http::Request& request);
  // The command line (`batuta user ...`) or start-up code.
  static Actor System(std::string name);
  // Someone not signed in, named by what they claimed (the username tried at sign-in).
  static Actor Anonymous(std::string claimed_name, const http::Request& request);
};

// Appends to the audit log. Callers pass only non-secret details (never a password, a key or
// a session id). Thread-safe.
class AuditTrail {
 public:
  AuditTrail(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  // Stores the entry. A failure to store it is logged with the entry (it must not undo the
  // action it records, which has already happened) and returned for callers that care.
  Status Record(const Actor& actor, std::string_view action, std::string_view target_type,
                std::string_view target_id, std::string_view outcome,
                nlohmann::json details = nlohmann::json::object());

 private:
  Store& store_;
  const Clock& clock_;
};

}  // namespace batuta::auth
