#pragma once

#include <array>
#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace batuta::secrets {

// The 32-byte key that encrypts every secret field at rest (see secret_box.h).
//
// Move-only so that no stray copy of the key outlives its owner; the bytes are wiped with
// sodium_memzero when the key is destroyed or moved from. Immutable after construction, so a
// const MasterKey may be shared between threads.
class MasterKey {
 public:
  static constexpr std::size_t kSize = 32;
  // Length of id(): 16 lower-case hex characters.
  static constexpr std::size_t kIdLength = 16;

  // A key from exactly kSize raw bytes (tests, and the loaders below); kInvalidArgument for
  // any other length.
  static Result<MasterKey> FromBytes(std::string_view bytes);

  MasterKey(MasterKey&& other) noexcept;
  MasterKey& operator=(MasterKey&& other) noexcept;
  MasterKey(const MasterKey&) = delete;
  MasterKey& operator=(const MasterKey&) = delete;
  ~MasterKey();

  // A short, stable fingerprint of the key that reveals nothing about it: the first 8 bytes of
  // BLAKE2b-128 keyed with the master key over a fixed label, in hex. Written into every sealed
  // secret so that a server started with another key says which key it needs.
  std::string_view id() const { return {id_.data(), kIdLength}; }

  const unsigned char* data() const { return bytes_.data(); }

 private:
  MasterKey() = default;
  void Wipe() noexcept;

  std::array<unsigned char, kSize> bytes_{};
  std::array<char, kIdLength> id_{};
};

// Parses the textual forms of a key: 32 bytes as base64 (standard or URL-safe alphabet,
// with or without padding) or as 64 hex characters; surrounding ASCII whitespace is ignored.
// The error (kInvalidArgument) explains the expected form and never contains `text`.
Result<MasterKey> ParseMasterKey(std::string_view text);

// Name of the key file inside the data directory.
inline constexpr std::string_view kMasterKeyFileName = "master.key";

// The server's master key.
//
// With `env_value` (the BATUTA_MASTER_KEY environment variable) set, the key is parsed from it
// (ParseMasterKey) and the key file is neither read nor created.
//
// Otherwise `<data_dir>/master.key` is read. It holds the key as text in any form
// ParseMasterKey accepts; batuta writes standard padded base64 and a newline, so the file's
// content can be passed as BATUTA_MASTER_KEY unchanged. A file whose mode grants group or
// others any access, or whose content is not a key, is refused (kInvalidArgument, saying how to
// fix it). When the file does not exist a fresh random key is written to a temporary file
// (O_CREAT|O_EXCL, mode 0600), fsynced and published with link(2), which fails rather than
// replaces when another process published first: then that process's key is read, so racing
// starters always end up with the same key and readers never see a half-written file. The data
// directory is created if missing and fsynced after publishing. I/O failures are kUnavailable.
//
// Thread-safe (it touches only the file system).
Result<MasterKey> LoadOrCreateMasterKey(const std::filesystem::path& data_dir,
                                        std::optional<std::string> env_value);

}  // namespace batuta::secrets
