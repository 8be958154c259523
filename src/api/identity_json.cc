#include "api/identity_json.h"

#include "auth/roles.h"
#include "core/clock.h"

namespace batuta::api {
namespace {

nlohmann::json OptionalTimeJson(const std::optional<TimePoint>& t) {
  return t ? nlohmann::json(FormatRfc3339(*t)) : nlohmann::json(nullptr);
}

nlohmann::json PermissionsJson(const std::vector<std::string_view>& permissions) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto permission : permissions) list.push_back(permission);
  return list;
}

}  // namespace

nlohmann::json UserJson(const UserRecord& user) {
  return {{"id", user.id},
          {"username", user.username},
          {"display_name", user.display_name},
          {"role", user.role},
          {"active", user.active},
          {"created_at", FormatRfc3339(user.created_at)},
          {"updated_at", FormatRfc3339(user.updated_at)},
          {"password_changed_at", FormatRfc3339(user.password_changed_at)},
          {"last_login_at", OptionalTimeJson(user.last_login_at)}};
}

nlohmann::json ApiKeyJson(const ApiKeyRecord& key) {
  return {{"id", key.id},
          {"name", key.name},
          {"prefix", key.prefix},
          {"user_id", key.user_id},
          {"username", key.username},
          {"role", key.role},
          {"datasets", key.datasets ? nlohmann::json(*key.datasets) : nlohmann::json(nullptr)},
          {"created_at", FormatRfc3339(key.created_at)},
          {"expires_at", OptionalTimeJson(key.expires_at)},
          {"revoked_at", OptionalTimeJson(key.revoked_at)},
          {"last_used_at", OptionalTimeJson(key.last_used_at)},
          {"last_used_address", key.last_used_address ? nlohmann::json(*key.last_used_address)
                                                      : nlohmann::json(nullptr)}};
}

nlohmann::json AuditEntryJson(const AuditEntry& entry) {
  return {{"seq", entry.seq},
          {"at", FormatRfc3339(entry.at)},
          {"actor_kind", entry.actor_kind},
          {"actor_id", entry.actor_id ? nlohmann::json(*entry.actor_id) : nlohmann::json(nullptr)},
          {"actor_name", entry.actor_name},
          {"action", entry.action},
          {"target_type", entry.target_type},
          {"target_id", entry.target_id},
          {"remote_address", entry.remote_address},
          {"outcome", entry.outcome},
          {"details", entry.details}};
}

nlohmann::json MeJson(const auth::Principal& caller) {
  nlohmann::json me = {
      {"user", UserJson(caller.user)},
      {"permissions", PermissionsJson(caller.Permissions())},
      {"via", caller.via == auth::Principal::Via::kApiKey ? "api_key" : "session"}};
  if (caller.session) {
    me["csrf_token"] = caller.csrf_token;
    me["session_expires_at"] = FormatRfc3339(caller.session->expires_at);
  }
  if (caller.api_key) me["api_key"] = ApiKeyJson(*caller.api_key);
  return me;
}

nlohmann::json MeJson(const UserRecord& user, const std::string& csrf_token,
                      TimePoint session_expires_at) {
  auth::Principal principal;
  principal.user = user;
  principal.role = auth::ParseRole(user.role).value_or(auth::Role::kViewer);
  nlohmann::json me = {{"user", UserJson(user)},
                       {"permissions", PermissionsJson(principal.Permissions())},
                       {"via", "session"},
                       {"csrf_token", csrf_token},
                       {"session_expires_at", FormatRfc3339(session_expires_at)}};
  return me;
}

}  // namespace batuta::api
