#include "http/tls_context.h"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>

namespace batuta::http {
namespace {

// TLS 1.2 suites (TLS 1.3 has its own, all acceptable): ECDHE key exchange for forward
// secrecy, AEAD ciphers only; strongest first, as the server's preference is used.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256";

// The reason of the most recent OpenSSL error ("no start line"), clearing the queue.
std::string OpenSslReason() {
  const unsigned long code = ERR_peek_last_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  const char* reason = ERR_reason_error_string(code);
  return reason != nullptr ? reason : fmt::format("OpenSSL error {:#x}", code);
}

Result<std::string> ReadPemFile(const std::filesystem::path& file, std::string_view what) {
  if (file.empty()) return Error::Validation("tls", fmt::format("no TLS {} file given", what));
  errno = 0;
  std::ifstream in(file, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.is_open() || in.bad()) {
    const int error = errno != 0 ? errno : EIO;
    return Error::Validation("tls", fmt::format("cannot read TLS {} file '{}': {}", what,
                                                file.string(), std::strerror(error)));
  }
  if (text.empty()) {
    return Error::Validation("tls", fmt::format("TLS {} file '{}' is empty", what, file.string()));
  }
  return text;
}

struct BioDeleter {
  void operator()(BIO* bio) const { BIO_free(bio); }
};
struct KeyDeleter {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};

// Refuses encrypted keys instead of prompting for a pass phrase on the terminal.
int NoPassphrase(char* /*buffer*/, int /*size*/, int /*rwflag*/, void* /*user*/) { return 0; }

}  // namespace

Result<std::unique_ptr<asio::ssl::context>> MakeTlsContext(
    const std::filesystem::path& certificate_chain_file,
    const std::filesystem::path& private_key_file) {
  auto certificate_pem = ReadPemFile(certificate_chain_file, "certificate");
  if (!certificate_pem.ok()) return std::move(certificate_pem).error();
  auto key_pem = ReadPemFile(private_key_file, "private key");
  if (!key_pem.ok()) return std::move(key_pem).error();

  auto context = std::make_unique<asio::ssl::context>(asio::ssl::context::tls_server);
  SSL_CTX* native = context->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_options(
      native, SSL_OP_NO_COMPRESSION | SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION);
  if (SSL_CTX_set_cipher_list(native, kTls12Ciphers) != 1) {
    return Error::Internal("cannot set the TLS cipher list: " + OpenSslReason());
  }
  SSL_CTX_set_default_passwd_cb(native, NoPassphrase);

  asio::error_code ec;
  context->use_certificate_chain(asio::buffer(*certificate_pem), ec);
  if (ec) {
    ERR_clear_error();
    return Error::Validation(
        "tls", fmt::format("TLS certificate file '{}' holds no valid PEM certificate: {}",
                           certificate_chain_file.string(), ec.message()));
  }

  const std::unique_ptr<BIO, BioDeleter> key_bio(
      BIO_new_mem_buf(key_pem->data(), static_cast<int>(key_pem->size())));
  const std::unique_ptr<EVP_PKEY, KeyDeleter> key(
      PEM_read_bio_PrivateKey(key_bio.get(), nullptr, NoPassphrase, nullptr));
  if (key == nullptr) {
    return Error::Validation(
        "tls", fmt::format("TLS private key file '{}' holds no unencrypted PEM private key: {}",
                           private_key_file.string(), OpenSslReason()));
  }
  if (SSL_CTX_use_PrivateKey(native, key.get()) != 1 || SSL_CTX_check_private_key(native) != 1) {
    return Error::Validation(
        "tls",
        fmt::format("TLS private key file '{}' does not match the certificate in '{}': {}",
                    private_key_file.string(), certificate_chain_file.string(), OpenSslReason()));
  }
  return context;
}

}  // namespace batuta::http
