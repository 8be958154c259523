#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "auth/principal.h"
#include "store/api_key_repository.h"
#include "store/audit_repository.h"
#include "store/user_repository.h"

namespace batuta::api {

// JSON shapes of the identity API (api/openapi.yaml: User, ApiKey, Me, AuditEntry). None of
// them carries a password hash, a key hash, a key or a session id.
nlohmann::json UserJson(const UserRecord& user);
nlohmann::json ApiKeyJson(const ApiKeyRecord& key);
nlohmann::json AuditEntryJson(const AuditEntry& entry);
// `csrf_token` and `session_expires_at` are set for session callers only.
nlohmann::json MeJson(const auth::Principal& caller);
nlohmann::json MeJson(const UserRecord& user, const std::string& csrf_token,
                      TimePoint session_expires_at);

}  // namespace batuta::api
