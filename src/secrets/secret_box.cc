#include "secrets/secret_box.h"

#include <fmt/format.h>
#include <sodium.h>

#include <array>
#include <string>

#include "secrets/sodium_init.h"

namespace batuta::secrets {
namespace {

constexpr std::string_view kVersionPrefix = "v1.";
constexpr int kBase64Variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
constexpr std::size_t kNonceSize = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr std::size_t kTagSize = crypto_aead_xchacha20poly1305_ietf_ABYTES;
// "v1." + id + "."
constexpr std::size_t kHeaderSize = kVersionPrefix.size() + MasterKey::kIdLength + 1;

static_assert(crypto_aead_xchacha20poly1305_ietf_KEYBYTES == MasterKey::kSize);

// Never null: libsodium declares some inputs non-null even when their length is 0, and an empty
// std::string_view may have a null data().
const unsigned char* Bytes(std::string_view text) {
  static constexpr unsigned char kEmpty = 0;
  return text.data() == nullptr ? &kEmpty : reinterpret_cast<const unsigned char*>(text.data());
}

bool IsLowerHex(std::string_view text) {
  for (const char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

// What the AEAD authenticates besides the ciphertext: the header, then the caller's data. The
// header has a fixed length, so the concatenation is unambiguous.
std::string AuthenticatedData(std::string_view header, std::string_view associated_data) {
  std::string out;
  out.reserve(header.size() + associated_data.size());
  out.append(header);
  out.append(associated_data);
  return out;
}

Error Undecryptable() {
  return Error::InvalidArgument("secret cannot be decrypted (tampered or bound to another record)");
}

}  // namespace

std::string Seal(const MasterKey& key, std::string_view plaintext,
                 std::string_view associated_data) {
  EnsureSodium();
  const std::string header = fmt::format("{}{}.", kVersionPrefix, key.id());
  const std::string ad = AuthenticatedData(header, associated_data);

  std::string payload(kNonceSize + plaintext.size() + kTagSize, '\0');
  auto* nonce = reinterpret_cast<unsigned char*>(payload.data());
  randombytes_buf(nonce, kNonceSize);
  unsigned long long cipher_size = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + kNonceSize, &cipher_size, Bytes(plaintext),
                                             plaintext.size(), Bytes(ad), ad.size(), nullptr, nonce,
                                             key.data());

  std::string out = header;
  const std::size_t encoded_size = sodium_base64_ENCODED_LEN(payload.size(), kBase64Variant);
  out.resize(header.size() + encoded_size);
  sodium_bin2base64(out.data() + header.size(), encoded_size,
                    reinterpret_cast<const unsigned char*>(payload.data()), payload.size(),
                    kBase64Variant);
  out.pop_back();  // the terminating NUL sodium writes
  return out;
}

Result<std::string> Open(const MasterKey& key, std::string_view sealed,
                         std::string_view associated_data) {
  EnsureSodium();
  if (!IsSealed(sealed)) {
    return Error::InvalidArgument(
        "secret cannot be decrypted (not in the sealed form v1.<key id>.<data>)");
  }
  const std::string_view header = sealed.substr(0, kHeaderSize);
  const std::string_view id = header.substr(kVersionPrefix.size(), MasterKey::kIdLength);
  if (id != key.id()) {
    return Error::Unavailable(fmt::format(
        "secret was encrypted under master key {}, this server has {}: start with the key it "
        "was written with",
        id, key.id()));
  }
  const std::string_view encoded = sealed.substr(kHeaderSize);
  std::string payload(encoded.size(), '\0');
  std::size_t payload_size = 0;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(payload.data()), payload.size(),
                        encoded.data(), encoded.size(), nullptr, &payload_size, nullptr,
                        kBase64Variant) != 0 ||
      payload_size < kNonceSize + kTagSize) {
    return Undecryptable();
  }
  const auto* nonce = reinterpret_cast<const unsigned char*>(payload.data());
  const std::size_t cipher_size = payload_size - kNonceSize;
  const std::string ad = AuthenticatedData(header, associated_data);

  std::string plaintext(cipher_size - kTagSize, '\0');
  unsigned long long plain_size = 0;
  // An empty plaintext still needs a non-null output pointer.
  unsigned char empty_output = 0;
  unsigned char* output =
      plaintext.empty() ? &empty_output : reinterpret_cast<unsigned char*>(plaintext.data());
  if (crypto_aead_xchacha20poly1305_ietf_decrypt(output, &plain_size, nullptr, nonce + kNonceSize,
                                                 cipher_size, Bytes(ad), ad.size(), nonce,
                                                 key.data()) != 0) {
    return Undecryptable();
  }
  plaintext.resize(static_cast<std::size_t>(plain_size));
  return plaintext;
}

bool IsSealed(std::string_view text) {
  if (text.size() <= kHeaderSize || text.substr(0, kVersionPrefix.size()) != kVersionPrefix ||
      text[kHeaderSize - 1] != '.') {
    return false;
  }
  return IsLowerHex(text.substr(kVersionPrefix.size(), MasterKey::kIdLength));
}

}  // namespace batuta::secrets
