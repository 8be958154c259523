#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "core/clock.h"
#include "core/result.h"
#include "http/request.h"
#include "store/store.h"

namespace batuta::auth {

// API keys look like "btk_k3x9a0qz_<43 characters>": "btk_" and 8 characters form the visible
// prefix (unique, stored in clear to find the key and to show in lists), the rest is 256
// random bits. Only the SHA-256 of the whole key is stored; a presented key is hashed and
// compared with the stored hash in constant time. Thread-safe.
class ApiKeyService {
 public:
  static constexpr std::string_view kScheme = "btk_";

  ApiKeyService(Store& store, const Clock& clock);

  struct Generated {
    std::string key;     // shown once to its owner
    std::string prefix;  // "btk_k3x9a0qz"
    std::string hash;    // Sha256Hex(key)
  };
  static Generated Generate();

  // The key's row and owner when `key` is valid now: well formed, known, hash equal, not
  // revoked, not expired, owner active. Anything else is kUnauthenticated with a message that
  // says only what the caller may know (a wrong key and an unknown one read the same).
  // Records the use (time, address) at most once a minute per key.
  Result<ApiKeyWithOwner> Resolve(std::string_view key, std::string_view remote_address);

  // The key a request presents in "Authorization: Bearer <key>" or "X-API-Key: <key>".
  static std::optional<std::string_view> Presented(const http::Request& request);

 private:
  Store& store_;
  const Clock& clock_;
};

}  // namespace batuta::auth
