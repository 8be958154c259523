#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/audit_trail.h"
#include "auth/principal.h"
#include "core/clock.h"
#include "core/id.h"
#include "core/result.h"
#include "http/request.h"
#include "store/store.h"

namespace batuta::auth {

// Creating, listing and revoking API keys. Anyone manages their own keys; only a caller with
// users.admin manages someone else's (others get kNotFound, not kPermissionDenied, so key ids
// of other users cannot be probed). A key's role is at most its owner's. Audited.
// Thread-safe.
class ApiKeyAdmin {
 public:
  ApiKeyAdmin(Store& store, const Clock& clock, AuditTrail& audit);

  struct NewKey {
    std::string name;
    std::optional<std::string> role;  // default: the owner's role
    std::optional<std::vector<std::string>> datasets;
    std::optional<TimePoint> expires_at;
    std::optional<std::string> user_id;  // default: the caller
  };
  struct Created {
    ApiKeyRecord record;  // key_hash cleared
    std::string key;      // the only time it is available
  };
  Result<Created> Create(const Principal& caller, const http::Request& request,
                         const NewKey& request_body);

  // The caller's keys; another user's (`user_id`) or everyone's (`all`) need users.admin.
  Result<std::vector<ApiKeyRecord>> List(const Principal& caller,
                                         const std::optional<std::string>& user_id, bool all);

  Status Revoke(const Principal& caller, const http::Request& request, std::string_view id);

 private:
  Store& store_;
  const Clock& clock_;
  AuditTrail& audit_;
  IdGenerator ids_;
};

}  // namespace batuta::auth
