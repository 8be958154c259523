#include "auth/api_key_service.h"

#include <chrono>

#include "auth/crypto.h"

namespace batuta::auth {
namespace {

constexpr std::size_t kPrefixRandomChars = 8;
constexpr std::size_t kSecretBytes = 32;
constexpr std::size_t kPrefixLength = ApiKeyService::kScheme.size() + kPrefixRandomChars;
constexpr std::size_t kKeyLength = kPrefixLength + 1 + 43;  // "_" + base64url of 32 bytes

Error Invalid(std::string message) {
  return {ErrorCode::kUnauthenticated, std::move(message), {{"reason", "invalid_api_key"}}};
}

}  // namespace

ApiKeyService::ApiKeyService(Store& store, const Clock& clock) : store_(store), clock_(clock) {}

ApiKeyService::Generated ApiKeyService::Generate() {
  Generated generated;
  generated.prefix = std::string(kScheme) + RandomAlphanumeric(kPrefixRandomChars);
  generated.key = generated.prefix + "_" + RandomToken(kSecretBytes);
  generated.hash = Sha256Hex(generated.key);
  return generated;
}

Result<ApiKeyWithOwner> ApiKeyService::Resolve(std::string_view key,
                                               std::string_view remote_address) {
  if (key.size() != kKeyLength || !key.starts_with(kScheme) || key[kPrefixLength] != '_') {
    return Invalid("the API key is not valid");
  }
  auto found = store_.ApiKeys().FindByPrefix(key.substr(0, kPrefixLength));
  if (!found.ok()) return std::move(found).error();
  if (!found->has_value() || !ConstantTimeEquals(Sha256Hex(key), (*found)->key.key_hash)) {
    return Invalid("the API key is not valid");
  }
  ApiKeyWithOwner match = std::move(**found);
  const TimePoint now = clock_.Now();
  if (match.key.revoked_at) return Invalid("the API key was revoked");
  if (match.key.expires_at && *match.key.expires_at <= now) {
    return Invalid("the API key has expired");
  }
  if (!match.owner.active) return Invalid("the API key's owner is deactivated");
  // At most once a minute whatever the address: a key used from two hosts in turn must not
  // cost a store write per request.
  if (!match.key.last_used_at || now - *match.key.last_used_at >= std::chrono::minutes(1)) {
    BATUTA_RETURN_IF_ERROR(store_.ApiKeys().RecordUse(match.key.id, now, remote_address));
    match.key.last_used_at = now;
    match.key.last_used_address = std::string(remote_address);
  }
  return match;
}

std::optional<std::string_view> ApiKeyService::Presented(const http::Request& request) {
  if (auto header = request.Header("X-API-Key")) return *header;
  if (auto authorization = request.Header("Authorization")) {
    constexpr std::string_view kBearer = "Bearer ";
    if (authorization->size() > kBearer.size() &&
        http::EqualsIgnoreCase(authorization->substr(0, kBearer.size()), kBearer)) {
      return authorization->substr(kBearer.size());
    }
  }
  return std::nullopt;
}

}  // namespace batuta::auth
