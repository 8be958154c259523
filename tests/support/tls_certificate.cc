#include "tls_certificate.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>

namespace batuta::testing {
namespace {

struct Free {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
  void operator()(X509* certificate) const { X509_free(certificate); }
  void operator()(X509_EXTENSION* extension) const { X509_EXTENSION_free(extension); }
  void operator()(BIO* bio) const { BIO_free(bio); }
};

[[noreturn]] void Fail(const std::string& what) {
  char reason[256] = {};
  ERR_error_string_n(ERR_get_error(), reason, sizeof reason);
  ERR_clear_error();
  throw std::runtime_error("cannot create a test certificate: " + what + ": " + reason);
}

void Check(bool ok, const std::string& what) {
  if (!ok) Fail(what);
}

void AddExtension(X509* certificate, int nid, const char* value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, certificate, certificate, nullptr, nullptr, 0);
  const std::unique_ptr<X509_EXTENSION, Free> extension(
      X509V3_EXT_conf_nid(nullptr, &context, nid, value));
  Check(extension != nullptr && X509_add_ext(certificate, extension.get(), -1) == 1, value);
}

std::unique_ptr<BIO, Free> OpenForWriting(const std::filesystem::path& file) {
  std::unique_ptr<BIO, Free> bio(BIO_new_file(file.c_str(), "w"));
  Check(bio != nullptr, "open " + file.string());
  return bio;
}

}  // namespace

TlsFiles WriteSelfSignedCertificate(const std::filesystem::path& dir, std::string_view name) {
  static std::atomic<long> serial{1};
  const std::unique_ptr<EVP_PKEY, Free> key(EVP_EC_gen("P-256"));
  Check(key != nullptr, "generate a P-256 key");

  const std::unique_ptr<X509, Free> certificate(X509_new());
  Check(certificate != nullptr, "allocate a certificate");
  X509* x509 = certificate.get();
  Check(X509_set_version(x509, X509_VERSION_3) == 1, "set the version");
  Check(ASN1_INTEGER_set(X509_get_serialNumber(x509), serial++) == 1, "set the serial number");
  constexpr long kHour = 3600;
  Check(X509_gmtime_adj(X509_getm_notBefore(x509), -kHour) != nullptr, "set notBefore");
  Check(X509_gmtime_adj(X509_getm_notAfter(x509), 24 * kHour) != nullptr, "set notAfter");
  Check(X509_set_pubkey(x509, key.get()) == 1, "set the public key");
  X509_NAME* subject = X509_get_subject_name(x509);
  const auto* common_name = reinterpret_cast<const unsigned char*>("localhost");
  Check(X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC, common_name, -1, -1, 0) == 1,
        "set the subject");
  Check(X509_set_issuer_name(x509, subject) == 1, "set the issuer");
  AddExtension(x509, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
  Check(X509_sign(x509, key.get(), EVP_sha256()) > 0, "sign");

  TlsFiles files{dir / (std::string(name) + ".crt"), dir / (std::string(name) + ".key")};
  Check(PEM_write_bio_X509(OpenForWriting(files.certificate).get(), x509) == 1,
        "write " + files.certificate.string());
  Check(PEM_write_bio_PrivateKey(OpenForWriting(files.private_key).get(), key.get(), nullptr,
                                 nullptr, 0, nullptr, nullptr) == 1,
        "write " + files.private_key.string());
  return files;
}

}  // namespace batuta::testing
