#pragma once

// Internal to the http library: the server's TLS settings. Only src/http includes Asio.

#include <asio/ssl/context.hpp>
#include <filesystem>
#include <memory>

#include "core/result.h"

namespace batuta::http {

// A TLS server context holding the certificate chain and private key from two PEM files:
// TLS 1.2 or newer, forward-secret AEAD cipher suites only, the server's cipher order, no
// compression, no renegotiation. Errors name the file and the reason (cannot be read, holds
// no certificate or no unencrypted key, key does not match the certificate). The context is
// thread-safe for creating connections from any thread.
Result<std::unique_ptr<asio::ssl::context>> MakeTlsContext(
    const std::filesystem::path& certificate_chain_file,
    const std::filesystem::path& private_key_file);

}  // namespace batuta::http
