#pragma once

// Key material for TLS tests, generated at test time with OpenSSL so that no certificate or
// private key is ever committed.

#include <filesystem>
#include <string_view>

namespace batuta::testing {

struct TlsFiles {
  std::filesystem::path certificate;  // PEM, self-signed
  std::filesystem::path private_key;  // PEM, unencrypted
};

// Writes a fresh P-256 key and a self-signed certificate for "localhost" and 127.0.0.1,
// valid from an hour ago for a day, as <dir>/<name>.crt and <dir>/<name>.key. Each call makes
// a new key, so two calls give a certificate and a key that do not match. Throws
// std::runtime_error on failure.
TlsFiles WriteSelfSignedCertificate(const std::filesystem::path& dir,
                                    std::string_view name = "server");

}  // namespace batuta::testing
