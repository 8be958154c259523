#include "secrets/master_key.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <system_error>
#include <vector>

#include "secrets/sodium_init.h"

namespace batuta::secrets {
namespace {

namespace fs = std::filesystem;

// Domain separation: the id is a MAC of this label under the key, not a hash of the key itself,
// so it cannot collide with any other value derived from the key.
constexpr std::string_view kIdLabel = "batuta master key id v1";

// Longest key file content considered; anything longer is not a key.
constexpr std::size_t kMaxKeyFileBytes = 1024;

constexpr std::string_view kExpectedForm =
    "expected 32 bytes encoded as base64 (44 characters, or 43 without padding; standard or "
    "URL-safe alphabet) or as 64 hex characters; generate one with `openssl rand -base64 32`";

// A buffer of key material that is wiped however the function using it returns.
class WipedBuffer {
 public:
  explicit WipedBuffer(std::size_t size) : bytes_(size) {}
  ~WipedBuffer() { sodium_memzero(bytes_.data(), bytes_.size()); }
  WipedBuffer(const WipedBuffer&) = delete;
  WipedBuffer& operator=(const WipedBuffer&) = delete;
  unsigned char* data() { return bytes_.data(); }
  std::size_t size() const { return bytes_.size(); }
  std::string_view view(std::size_t n) const {
    return {reinterpret_cast<const char*>(bytes_.data()), n};
  }

 private:
  std::vector<unsigned char> bytes_;
};

// Closes a file descriptor on scope exit.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // Closes now, reporting the close(2) result (errors of delayed writes show up here).
  int Close() {
    const int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

std::string_view TrimAsciiSpace(std::string_view text) {
  constexpr std::string_view kSpace = " \t\r\n\f\v";
  const auto begin = text.find_first_not_of(kSpace);
  if (begin == std::string_view::npos) return {};
  const auto end = text.find_last_not_of(kSpace);
  return text.substr(begin, end - begin + 1);
}

bool IsHex(std::string_view text) {
  for (const char c : text) {
    const bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return false;
  }
  return !text.empty();
}

Error ParseError(std::string_view what_is_wrong) {
  return Error::InvalidArgument(fmt::format("{}; {}", what_is_wrong, kExpectedForm));
}

Error IoError(std::string_view action, const fs::path& path, int error_number) {
  return Error::Unavailable(
      fmt::format("cannot {} {}: {}", action, path.string(), std::strerror(error_number)));
}

Status WriteAll(int fd, std::string_view bytes, const fs::path& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("write", path, errno);
    }
    if (n == 0) return IoError("write", path, EIO);
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return Ok();
}

Status FsyncDirectory(const fs::path& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return IoError("open folder", dir, errno);
  if (::fsync(fd.get()) != 0) return IoError("fsync folder", dir, errno);
  return Ok();
}

// Reads and checks the key file; std::nullopt when it does not exist.
Result<std::optional<MasterKey>> ReadKeyFile(const fs::path& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return std::optional<MasterKey>();
    return IoError("open master key file", path, errno);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return IoError("stat master key file", path, errno);
  if (!S_ISREG(st.st_mode)) {
    return Error::InvalidArgument(
        fmt::format("master key file {} is not a regular file", path.string()));
  }
  if ((st.st_mode & 077) != 0) {
    return Error::InvalidArgument(
        fmt::format("master key file {} is accessible by group or others (mode {:04o}); it must be "
                    "readable by the server's user only: run `chmod 600 {}`",
                    path.string(), st.st_mode & 07777, path.string()));
  }
  WipedBuffer buffer(kMaxKeyFileBytes + 1);
  std::size_t used = 0;
  while (used < buffer.size()) {
    const ssize_t n = ::read(fd.get(), buffer.data() + used, buffer.size() - used);
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("read master key file", path, errno);
    }
    if (n == 0) break;
    used += static_cast<std::size_t>(n);
  }
  const auto content_error = [&] {
    return Error::InvalidArgument(fmt::format(
        "master key file {} does not hold a key ({} bytes): it must hold 32 bytes as base64 "
        "(as batuta writes it) or as 64 hex characters. Restore it from your backup: a new key "
        "cannot decrypt the secrets stored under the old one",
        path.string(), used));
  };
  if (used > kMaxKeyFileBytes) return content_error();
  auto key = ParseMasterKey(buffer.view(used));
  if (!key.ok()) return content_error();
  return std::optional<MasterKey>(std::move(key).value());
}

// Writes `key` to a fresh temporary file and links it to `path`. Returns false (and leaves
// `path` alone) when `path` already exists.
Result<bool> PublishKeyFile(const fs::path& path, const MasterKey& key) {
  const std::string_view raw(reinterpret_cast<const char*>(key.data()), MasterKey::kSize);
  constexpr int kVariant = sodium_base64_VARIANT_ORIGINAL;
  WipedBuffer text(sodium_base64_ENCODED_LEN(MasterKey::kSize, kVariant));
  sodium_bin2base64(reinterpret_cast<char*>(text.data()), text.size(), key.data(), raw.size(),
                    kVariant);
  text.data()[text.size() - 1] = '\n';  // replaces the terminating NUL

  std::array<unsigned char, 8> random{};
  randombytes_buf(random.data(), random.size());
  std::array<char, random.size() * 2 + 1> suffix{};
  sodium_bin2hex(suffix.data(), suffix.size(), random.data(), random.size());
  fs::path temp = path;
  temp += fmt::format(".tmp-{}", suffix.data());

  Fd fd(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (fd.get() < 0) return IoError("create", temp, errno);
  Status written = WriteAll(fd.get(), text.view(text.size()), temp);
  if (written.ok() && ::fsync(fd.get()) != 0) written = IoError("fsync", temp, errno);
  if (fd.Close() != 0 && written.ok()) written = IoError("close", temp, errno);
  if (!written.ok()) {
    ::unlink(temp.c_str());
    return std::move(written).error();
  }
  const int linked = ::link(temp.c_str(), path.c_str());
  const int link_errno = errno;
  ::unlink(temp.c_str());
  if (linked != 0) {
    if (link_errno == EEXIST) return false;
    return IoError("create master key file", path, link_errno);
  }
  BATUTA_RETURN_IF_ERROR(FsyncDirectory(path.parent_path()));
  return true;
}

}  // namespace

Result<MasterKey> MasterKey::FromBytes(std::string_view bytes) {
  EnsureSodium();
  if (bytes.size() != kSize) {
    return Error::InvalidArgument(
        fmt::format("a master key has {} bytes, not {}", kSize, bytes.size()));
  }
  MasterKey key;
  std::memcpy(key.bytes_.data(), bytes.data(), kSize);
  std::array<unsigned char, crypto_generichash_BYTES_MIN> digest{};
  crypto_generichash(digest.data(), digest.size(),
                     reinterpret_cast<const unsigned char*>(kIdLabel.data()), kIdLabel.size(),
                     key.bytes_.data(), key.bytes_.size());
  std::array<char, kIdLength + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), kIdLength / 2);
  std::memcpy(key.id_.data(), hex.data(), kIdLength);
  return key;
}

MasterKey::MasterKey(MasterKey&& other) noexcept : bytes_(other.bytes_), id_(other.id_) {
  other.Wipe();
}

MasterKey& MasterKey::operator=(MasterKey&& other) noexcept {
  if (this != &other) {
    bytes_ = other.bytes_;
    id_ = other.id_;
    other.Wipe();
  }
  return *this;
}

MasterKey::~MasterKey() { Wipe(); }

void MasterKey::Wipe() noexcept {
  sodium_memzero(bytes_.data(), bytes_.size());
  sodium_memzero(id_.data(), id_.size());
}

Result<MasterKey> ParseMasterKey(std::string_view text) {
  EnsureSodium();
  text = TrimAsciiSpace(text);
  if (text.empty()) return ParseError("the value is empty");
  WipedBuffer decoded(text.size());
  if (text.size() == 2 * MasterKey::kSize && IsHex(text)) {
    std::size_t n = 0;
    if (sodium_hex2bin(decoded.data(), decoded.size(), text.data(), text.size(), nullptr, &n,
                       nullptr) == 0 &&
        n == MasterKey::kSize) {
      return MasterKey::FromBytes(decoded.view(n));
    }
  }
  std::optional<std::size_t> decoded_size;
  for (const int variant :
       {sodium_base64_VARIANT_ORIGINAL, sodium_base64_VARIANT_ORIGINAL_NO_PADDING,
        sodium_base64_VARIANT_URLSAFE, sodium_base64_VARIANT_URLSAFE_NO_PADDING}) {
    std::size_t n = 0;
    if (sodium_base642bin(decoded.data(), decoded.size(), text.data(), text.size(), nullptr, &n,
                          nullptr, variant) != 0) {
      continue;
    }
    if (n == MasterKey::kSize) return MasterKey::FromBytes(decoded.view(n));
    decoded_size = n;
    break;
  }
  if (IsHex(text)) {
    return ParseError(fmt::format("the value looks like hex but has {} characters, not {}",
                                  text.size(), 2 * MasterKey::kSize));
  }
  if (decoded_size.has_value()) {
    return ParseError(
        fmt::format("the value decodes to {} bytes, not {}", *decoded_size, MasterKey::kSize));
  }
  return ParseError("the value is neither base64 nor hex");
}

Result<MasterKey> LoadOrCreateMasterKey(const std::filesystem::path& data_dir,
                                        std::optional<std::string> env_value) {
  EnsureSodium();
  if (env_value.has_value()) {
    auto key = ParseMasterKey(*env_value);
    sodium_memzero(env_value->data(), env_value->size());
    if (!key.ok()) {
      return Error::InvalidArgument("BATUTA_MASTER_KEY is not a valid master key: " +
                                    key.error().message);
    }
    return key;
  }

  std::error_code ec;
  fs::create_directories(data_dir, ec);
  if (ec) {
    return Error::Unavailable(
        fmt::format("cannot create the data folder {}: {}", data_dir.string(), ec.message()));
  }
  const fs::path path = data_dir / kMasterKeyFileName;
  // Two rounds cover the race "absent when we looked, present when we linked"; a third is only
  // needed if someone deletes the file while we start, which is reported rather than retried.
  for (int round = 0; round < 3; ++round) {
    auto existing = ReadKeyFile(path);
    if (!existing.ok()) return std::move(existing).error();
    if (existing->has_value()) return std::move(**existing);

    WipedBuffer random(MasterKey::kSize);
    randombytes_buf(random.data(), random.size());
    auto fresh = MasterKey::FromBytes(random.view(random.size()));
    if (!fresh.ok()) return std::move(fresh).error();
    auto published = PublishKeyFile(path, *fresh);
    if (!published.ok()) return std::move(published).error();
    if (*published) return std::move(fresh).value();
  }
  return Error::Unavailable(fmt::format(
      "master key file {} appears and disappears while the server starts", path.string()));
}

}  // namespace batuta::secrets
