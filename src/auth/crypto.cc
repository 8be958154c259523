#include "auth/crypto.h"

#include <sodium.h>

#include <array>
#include <stdexcept>
#include <vector>

namespace batuta::auth {
namespace {

void EnsureSodium() {
  static const bool ready = [] {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
    return true;
  }();
  (void)ready;
}

std::string Base64Url(const unsigned char* data, std::size_t size) {
  constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_ENCODED_LEN(size, kVariant), '\0');
  sodium_bin2base64(out.data(), out.size(), data, size, kVariant);
  out.resize(out.size() - 1);  // the terminating NUL sodium writes
  return out;
}

// Never null: libsodium declares some inputs non-null even when their length is 0, and an
// empty std::string_view may have a null data().
const unsigned char* Bytes(std::string_view text) {
  static constexpr unsigned char kEmpty = 0;
  return text.data() == nullptr ? &kEmpty : reinterpret_cast<const unsigned char*>(text.data());
}

}  // namespace

std::string RandomToken(std::size_t bytes) {
  EnsureSodium();
  if (bytes == 0) return "";  // randombytes_buf must not get the null data() of an empty vector
  std::vector<unsigned char> buffer(bytes);
  randombytes_buf(buffer.data(), buffer.size());
  return Base64Url(buffer.data(), buffer.size());
}

std::string RandomAlphanumeric(std::size_t length) {
  EnsureSodium();
  constexpr std::string_view kAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  out.reserve(length);
  for (std::size_t i = 0; i < length; ++i) {
    out += kAlphabet[randombytes_uniform(static_cast<std::uint32_t>(kAlphabet.size()))];
  }
  return out;
}

std::string Sha256Hex(std::string_view text) {
  EnsureSodium();
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest{};
  crypto_hash_sha256(digest.data(), Bytes(text), text.size());
  std::string hex(digest.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  hex.pop_back();
  return hex;
}

std::string HmacSha256(std::string_view key, std::string_view message) {
  EnsureSodium();
  // The _init form accepts keys of any length (longer ones are hashed, as RFC 2104 says).
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
  crypto_auth_hmacsha256_state state;
  crypto_auth_hmacsha256_init(&state, Bytes(key), key.size());
  crypto_auth_hmacsha256_update(&state, Bytes(message), message.size());
  crypto_auth_hmacsha256_final(&state, mac.data());
  return Base64Url(mac.data(), mac.size());
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  EnsureSodium();
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace batuta::auth
