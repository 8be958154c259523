#pragma once

#include <openssl/evp.h>

#include <cstdint>
#include <memory>
#include <string>

#include "core/byte_sink.h"

namespace batuta::runners {

// Passes bytes on to `next` while computing their SHA-256, so an export's checksum costs no
// second read of the file. Not thread-safe.
class HashingSink final : public ByteSink {
 public:
  explicit HashingSink(ByteSink& next);
  ~HashingSink() override;
  HashingSink(const HashingSink&) = delete;
  HashingSink& operator=(const HashingSink&) = delete;

  Status Write(std::string_view bytes) override;
  Status Flush() override { return next_.Flush(); }

  // Lower-case hex of everything written; call once, after the last Write.
  std::string HexDigest();
  std::uint64_t bytes() const { return bytes_; }

 private:
  ByteSink& next_;
  EVP_MD_CTX* context_;
  std::uint64_t bytes_ = 0;
};

}  // namespace batuta::runners
