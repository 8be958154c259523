#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace batuta::auth {

// Small wrappers over libsodium for the identity code. sodium_init() runs once on first use;
// every function is thread-safe.

// `bytes` random bytes from the OS CSPRNG, as unpadded base64url (URL- and cookie-safe).
std::string RandomToken(std::size_t bytes);
// `length` random characters of [a-z0-9] (for visible, typeable prefixes).
std::string RandomAlphanumeric(std::size_t length);
// Lower-case hex SHA-256 of `text`.
std::string Sha256Hex(std::string_view text);
// HMAC-SHA-256 of `message` under `key`, as unpadded base64url.
std::string HmacSha256(std::string_view key, std::string_view message);
// Compares in time that depends only on the lengths, not on where the inputs differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace batuta::auth
