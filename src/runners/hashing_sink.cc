#include "runners/hashing_sink.h"

#include <fmt/format.h>

namespace batuta::runners {

HashingSink::HashingSink(ByteSink& next) : next_(next), context_(EVP_MD_CTX_new()) {
  EVP_DigestInit_ex(context_, EVP_sha256(), nullptr);
}

HashingSink::~HashingSink() { EVP_MD_CTX_free(context_); }

Status HashingSink::Write(std::string_view bytes) {
  EVP_DigestUpdate(context_, bytes.data(), bytes.size());
  bytes_ += bytes.size();
  return next_.Write(bytes);
}

std::string HashingSink::HexDigest() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(context_, digest, &length);
  std::string hex;
  hex.reserve(std::size_t{length} * 2);
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

}  // namespace batuta::runners
