#include "auth/api_key_admin.h"

#include <fmt/format.h>

#include <algorithm>

#include "auth/api_key_service.h"
#include "auth/roles.h"

namespace batuta::auth {
namespace {

constexpr std::size_t kMaxName = 100;
constexpr std::size_t kMaxDatasets = 100;
constexpr std::size_t kMaxDatasetName = 128;

bool IsAdmin(const Principal& caller) { return caller.Has(permissions::kUsersAdmin.name); }

Status CheckDatasets(const std::vector<std::string>& datasets) {
  if (datasets.size() > kMaxDatasets) {
    return Error::Validation("datasets", fmt::format("at most {} datasets", kMaxDatasets));
  }
  for (const auto& name : datasets) {
    const bool valid =
        !name.empty() && name.size() <= kMaxDatasetName &&
        std::all_of(name.begin(), name.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
        });
    if (!valid) {
      return Error::Validation(
          "datasets", fmt::format("'{}' is not a dataset name (letters, digits, . _ -)", name));
    }
  }
  return Ok();
}

}  // namespace

ApiKeyAdmin::ApiKeyAdmin(Store& store, const Clock& clock, AuditTrail& audit)
    : store_(store), clock_(clock), audit_(audit), ids_(clock) {}

Result<ApiKeyAdmin::Created> ApiKeyAdmin::Create(const Principal& caller,
                                                 const http::Request& request, const NewKey& body) {
  // The routes allow only sessions here (account.self); this is the second line of defence:
  // a key must never mint keys.
  if (caller.via == Principal::Via::kApiKey) {
    return Error{ErrorCode::kPermissionDenied, "API keys cannot create API keys", {}};
  }
  if (body.name.empty() || body.name.size() > kMaxName) {
    return Error::Validation("name",
                             fmt::format("the name must have 1 to {} characters", kMaxName));
  }
  UserRecord owner = caller.user;
  if (body.user_id && *body.user_id != caller.user.id) {
    if (!IsAdmin(caller)) {
      return Error{ErrorCode::kPermissionDenied,
                   "only an admin creates keys for other users",
                   {{"field", "user_id"}}};
    }
    auto found = store_.Users().FindById(*body.user_id);
    if (!found.ok()) return std::move(found).error();
    if (!found->has_value()) return Error::Validation("user_id", "no such user");
    owner = std::move(**found);
    if (!owner.active) return Error::Validation("user_id", "the user is deactivated");
  }
  const Role owner_role = ParseRole(owner.role).value_or(Role::kViewer);
  Role role = owner_role;
  if (body.role) {
    const auto parsed = ParseRole(*body.role);
    if (!parsed) return Error::Validation("role", fmt::format("unknown role '{}'", *body.role));
    if (!RoleWithin(*parsed, owner_role)) {
      return Error::Validation(
          "role", fmt::format("a key's role cannot exceed its owner's role ({})", owner.role));
    }
    role = *parsed;
  }
  if (body.datasets) BATUTA_RETURN_IF_ERROR(CheckDatasets(*body.datasets));
  const TimePoint now = clock_.Now();
  if (body.expires_at && *body.expires_at <= now) {
    return Error::Validation("expires_at", "the expiry must be in the future");
  }

  const auto generated = ApiKeyService::Generate();
  ApiKeyRecord record;
  record.id = ids_.Next();
  record.prefix = generated.prefix;
  record.key_hash = generated.hash;
  record.user_id = owner.id;
  record.username = owner.username;
  record.name = body.name;
  record.role = std::string(RoleName(role));
  record.datasets = body.datasets;
  record.created_at = now;
  record.expires_at = body.expires_at;
  BATUTA_RETURN_IF_ERROR(store_.ApiKeys().Create(record));
  (void)audit_.Record(Actor::Of(caller, request), "api_key.create", "api_key", record.id, "success",
                      {{"prefix", record.prefix},
                       {"name", record.name},
                       {"role", record.role},
                       {"owner", owner.username}});
  record.key_hash.clear();
  return Created{std::move(record), generated.key};
}

Result<std::vector<ApiKeyRecord>> ApiKeyAdmin::List(const Principal& caller,
                                                    const std::optional<std::string>& user_id,
                                                    bool all) {
  std::optional<std::string_view> whose = caller.user.id;
  if (all || (user_id && *user_id != caller.user.id)) {
    if (!IsAdmin(caller)) {
      return Error{ErrorCode::kPermissionDenied, "only an admin lists other users' keys", {}};
    }
    whose = all ? std::nullopt : std::optional<std::string_view>(*user_id);
  }
  auto keys = store_.ApiKeys().List(whose);
  if (!keys.ok()) return keys;
  for (auto& key : *keys) key.key_hash.clear();
  return keys;
}

Status ApiKeyAdmin::Revoke(const Principal& caller, const http::Request& request,
                           std::string_view id) {
  auto key = store_.ApiKeys().FindById(id);
  if (!key.ok()) return std::move(key).error();
  if (!key->has_value() || ((*key)->user_id != caller.user.id && !IsAdmin(caller))) {
    return Error::NotFound(fmt::format("no API key with id '{}'", id));
  }
  BATUTA_RETURN_IF_ERROR(store_.ApiKeys().Revoke(id, clock_.Now()));
  (void)audit_.Record(Actor::Of(caller, request), "api_key.revoke", "api_key", std::string(id),
                      "success", {{"prefix", (*key)->prefix}, {"owner", (*key)->username}});
  return Ok();
}

}  // namespace batuta::auth
