#include "storage/local_storage.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <climits>
#include <cstring>
#include <system_error>
#include <utility>
#include <vector>

#include "core/id.h"

namespace batuta::storage {
namespace {

namespace fs = std::filesystem;

constexpr std::string_view kField = "path";
// Longest file name most file systems accept.
constexpr std::size_t kMaxNameLength = NAME_MAX;

enum class Area {
  kUser,  // user paths: nothing reserved
  kKept,  // ".batuta/..." only
  kAny,   // either (also_keep_as)
};

Error Invalid(std::string message) {
  return Error::Validation(std::string(kField), std::move(message));
}

// Maps a failed system call on `relative` to an Error.
Error IoError(std::string_view action, std::string_view relative, int error_number) {
  switch (error_number) {
    case ENOSPC:
    case EDQUOT:
      return Error::Unavailable(fmt::format("disk full while writing {}", relative));
    case ENOENT:
      return Error::NotFound(fmt::format("no file {}", relative));
    case EISDIR:
    case ENOTDIR:
    case ENOTEMPTY:
      return Error::Conflict(
          fmt::format("cannot {} {}: {}", action, relative, std::strerror(error_number)));
    default:
      return Error::Unavailable(
          fmt::format("cannot {} {}: {}", action, relative, std::strerror(error_number)));
  }
}

char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Closes a descriptor on scope exit unless released.
class FdGuard {
 public:
  explicit FdGuard(int fd) : fd_(fd) {}
  ~FdGuard() {
    if (fd_ >= 0) ::close(fd_);
  }
  FdGuard(const FdGuard&) = delete;
  FdGuard& operator=(const FdGuard&) = delete;
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  // close(2) now; its result (deferred write errors show up here).
  int Close() { return ::close(std::exchange(fd_, -1)); }

 private:
  int fd_;
};

Status WriteAllFd(int fd, std::string_view bytes, std::string_view relative) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return IoError("write", relative, errno);
    }
    if (n == 0) return IoError("write", relative, EIO);
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return Ok();
}

Status FsyncDirectory(const fs::path& dir, std::string_view relative) {
  FdGuard fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return IoError("open the folder of", relative, errno);
  if (::fsync(fd.get()) != 0) return IoError("fsync the folder of", relative, errno);
  return Ok();
}

// Whether `path` (canonical) is strictly inside `root` (canonical); `inside` gets the part
// below the root.
bool IsInside(const fs::path& root, const fs::path& path, fs::path* inside) {
  auto root_it = root.begin();
  auto path_it = path.begin();
  for (; root_it != root.end(); ++root_it, ++path_it) {
    if (root_it->empty()) continue;  // a trailing separator of the root
    if (path_it == path.end() || *path_it != *root_it) return false;
  }
  fs::path rest;
  for (; path_it != path.end(); ++path_it) {
    if (!path_it->empty()) rest /= *path_it;
  }
  if (rest.empty()) return false;
  *inside = std::move(rest);
  return true;
}

Result<fs::path> ResolveIn(const fs::path& root, std::string_view relative, Area area) {
  if (relative.empty()) return Invalid("path is empty");
  if (relative.find('\0') != std::string_view::npos) return Invalid("path contains a NUL byte");
  if (relative.find('\\') != std::string_view::npos) {
    return Invalid("path contains a backslash; separate folders with /");
  }
  if (relative.front() == '/') {
    return Invalid("path must be relative to the storage folder, not absolute");
  }
  bool kept = false;
  std::size_t index = 0;
  for (std::size_t start = 0; start <= relative.size(); ++index) {
    const std::size_t end = std::min(relative.find('/', start), relative.size());
    const std::string_view segment = relative.substr(start, end - start);
    start = end + 1;
    if (segment.empty()) return Invalid("path has an empty segment (// or a trailing /)");
    if (segment == "..") {
      return Invalid("path segment '..' is not allowed: a path cannot leave the storage folder");
    }
    if (segment == ".") return Invalid("path segment '.' is not allowed");
    if (segment.size() > kMaxNameLength) {
      return Invalid(fmt::format("path segment longer than {} bytes", kMaxNameLength));
    }
    if (index == 0 && segment == kKeptFolder && area != Area::kUser) {
      kept = true;
      continue;
    }
    if (IsReservedName(segment)) {
      return Invalid(fmt::format(
          "path segment '{}' is reserved: names starting with {} belong to the storage itself",
          segment, kReservedPrefix));
    }
  }
  if (area == Area::kKept && !kept) {
    return Invalid(fmt::format("path must start with {}/", kKeptFolder));
  }
  if (kept && index < 2) {
    return Invalid(fmt::format("path must name a file inside {}/", kKeptFolder));
  }

  std::error_code ec;
  const fs::path resolved = fs::weakly_canonical(root / fs::path(relative), ec);
  if (ec) return Invalid(fmt::format("path cannot be resolved: {}", ec.message()));
  fs::path inside;
  if (!IsInside(root, resolved, &inside)) {
    return Invalid("path leaves the storage folder (through a symbolic link)");
  }
  // A link inside the root must not lead into the kept folder either (or out of it).
  const bool lands_kept = *inside.begin() == kKeptFolder;
  if (lands_kept != kept) {
    return Invalid(
        "path leads into or out of the reserved .batuta folder (through a symbolic link)");
  }
  bool first = true;
  for (const auto& part : inside) {
    if (!(first && kept) && IsReservedName(part.native())) {
      return Invalid("path reaches a reserved name (through a symbolic link)");
    }
    first = false;
  }
  return resolved;
}

// Creates the missing folders between `root` and `dir` (both canonical, dir inside or equal to
// root), fsyncing the parent of each one it creates.
Status MakeFolders(const fs::path& root, const fs::path& dir, std::string_view relative) {
  fs::path inside;
  if (!IsInside(root, dir, &inside)) return Ok();  // dir is the root itself
  fs::path current = root;
  for (const auto& part : inside) {
    const fs::path parent = current;
    current /= part;
    if (::mkdir(current.c_str(), 0750) == 0) {
      BATUTA_RETURN_IF_ERROR(FsyncDirectory(parent, relative));
      continue;
    }
    if (errno != EEXIST) return IoError("create the folders of", relative, errno);
    struct stat st {};
    if (::stat(current.c_str(), &st) != 0) return IoError("create the folders of", relative, errno);
    if (!S_ISDIR(st.st_mode)) {
      return Error::Conflict(fmt::format("cannot create the folders of {}: {} is a file", relative,
                                         current.lexically_relative(root).string()));
    }
  }
  return Ok();
}

fs::path TempPathFor(const fs::path& target) {
  std::string name = fmt::format("{}{}-", kTemporaryPrefix, RandomHex(8));
  const std::string base = target.filename().string();
  name += base.substr(0, kMaxNameLength - name.size());
  return target.parent_path() / name;
}

// Copies the file at `from` to a new file `to` (O_EXCL) and fsyncs it.
Status CopyFile(const fs::path& from, const fs::path& to, std::string_view relative) {
  FdGuard in(::open(from.c_str(), O_RDONLY | O_CLOEXEC));
  if (in.get() < 0) return IoError("read back", relative, errno);
  FdGuard out(::open(to.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640));
  if (out.get() < 0) return IoError("create", relative, errno);
  Status status = [&]() -> Status {
    std::vector<char> buffer(AtomicFile::kBufferSize);
    while (true) {
      const ssize_t n = ::read(in.get(), buffer.data(), buffer.size());
      if (n < 0) {
        if (errno == EINTR) continue;
        return IoError("read back", relative, errno);
      }
      if (n == 0) break;
      BATUTA_RETURN_IF_ERROR(
          WriteAllFd(out.get(), {buffer.data(), static_cast<std::size_t>(n)}, relative));
    }
    if (::fsync(out.get()) != 0) return IoError("fsync", relative, errno);
    if (out.Close() != 0) return IoError("close", relative, errno);
    return Ok();
  }();
  if (!status.ok()) ::unlink(to.c_str());
  return status;
}

// Makes the content of `temp` available at `keep` too, replacing what is there.
Status KeepAs(const fs::path& temp, const fs::path& keep, std::string_view keep_relative) {
  const fs::path staged = TempPathFor(keep);
  if (::link(temp.c_str(), staged.c_str()) != 0) {
    const int error_number = errno;
    if (error_number != EXDEV && error_number != EPERM && error_number != EMLINK &&
        error_number != EOPNOTSUPP) {
      return IoError("link", keep_relative, error_number);
    }
    BATUTA_RETURN_IF_ERROR(CopyFile(temp, staged, keep_relative));
  }
  if (::rename(staged.c_str(), keep.c_str()) != 0) {
    const int error_number = errno;
    ::unlink(staged.c_str());
    return IoError("replace", keep_relative, error_number);
  }
  return FsyncDirectory(keep.parent_path(), keep_relative);
}

Status RemoveAt(const fs::path& path, std::string_view relative) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    return Error::Conflict(fmt::format("{} is a folder, not a file", relative));
  }
  if (::unlink(path.c_str()) != 0) return IoError("remove", relative, errno);
  return Ok();
}

}  // namespace

bool IsReservedName(std::string_view name) {
  if (name.size() < kReservedPrefix.size()) return false;
  for (std::size_t i = 0; i < kReservedPrefix.size(); ++i) {
    if (AsciiLower(name[i]) != kReservedPrefix[i]) return false;
  }
  return true;
}

fs::path DefaultStorageRoot(const fs::path& data_dir) { return data_dir / kDefaultFolder; }

// AtomicFile ----------------------------------------------------------------------------------

AtomicFile::AtomicFile(int fd, fs::path root, fs::path temp, fs::path target, std::string relative)
    : fd_(fd),
      root_(std::move(root)),
      temp_(std::move(temp)),
      target_(std::move(target)),
      relative_(std::move(relative)) {
  buffer_.reserve(kBufferSize);
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  if (!committed_) ::unlink(temp_.c_str());
}

Status AtomicFile::Fail(Error error) {
  failed_ = error;
  return error;
}

Status AtomicFile::WriteFd(std::string_view bytes) {
  Status written = WriteAllFd(fd_, bytes, relative_);
  if (!written.ok()) return Fail(std::move(written).error());
  in_kernel_ += bytes.size();
  // Starts the disk writes of what the kernel holds, every kWritebackStep, without waiting for
  // them: the device writes while the export goes on, and Commit's fsync finds little left
  // (on 131 MB it took 0.1 s, the file's whole writeback, after the last row). Advisory: its
  // failure changes nothing, and the fsync reports any write error.
  if (in_kernel_ - writeback_started_ >= kWritebackStep) {
    (void)::sync_file_range(fd_, static_cast<off_t>(writeback_started_),
                            static_cast<off_t>(in_kernel_ - writeback_started_),
                            SYNC_FILE_RANGE_WRITE);
    writeback_started_ = in_kernel_;
  }
  return Ok();
}

Status AtomicFile::Write(std::string_view bytes) {
  if (committed_) return Error::Internal(fmt::format("write to {} after Commit", relative_));
  if (failed_) return *failed_;
  if (buffer_.size() + bytes.size() <= kBufferSize) {
    buffer_.append(bytes);
    size_ += bytes.size();
    return Ok();
  }
  BATUTA_RETURN_IF_ERROR(Flush());
  if (bytes.size() >= kBufferSize) {
    BATUTA_RETURN_IF_ERROR(WriteFd(bytes));
  } else {
    buffer_.append(bytes);
  }
  size_ += bytes.size();
  return Ok();
}

Status AtomicFile::Flush() {
  if (committed_) return Ok();
  if (failed_) return *failed_;
  if (buffer_.empty()) return Ok();
  BATUTA_RETURN_IF_ERROR(WriteFd(buffer_));
  buffer_.clear();
  return Ok();
}

Status AtomicFile::Commit(std::optional<std::string_view> also_keep_as) {
  if (committed_) return Error::Internal(fmt::format("{} committed twice", relative_));
  BATUTA_RETURN_IF_ERROR(Flush());
  if (::fsync(fd_) != 0) return Fail(IoError("fsync", relative_, errno));
  const int closed = ::close(std::exchange(fd_, -1));
  if (closed != 0) return Fail(IoError("close", relative_, errno));

  if (also_keep_as.has_value()) {
    auto keep = ResolveIn(root_, *also_keep_as, Area::kAny);
    if (!keep.ok()) return Fail(std::move(keep).error());
    if (*keep == target_) {
      return Fail(Invalid(fmt::format("also_keep_as names the target {} itself", relative_)));
    }
    Status kept = MakeFolders(root_, keep->parent_path(), *also_keep_as);
    if (kept.ok()) kept = KeepAs(temp_, *keep, *also_keep_as);
    if (!kept.ok()) return Fail(std::move(kept).error());
  }

  if (::rename(temp_.c_str(), target_.c_str()) != 0) {
    return Fail(IoError("replace", relative_, errno));
  }
  committed_ = true;
  return FsyncDirectory(target_.parent_path(), relative_);
}

// ReadableFile --------------------------------------------------------------------------------

ReadableFile::ReadableFile(ReadableFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      size_(other.size_),
      relative_(std::move(other.relative_)) {}

ReadableFile& ReadableFile::operator=(ReadableFile&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
    size_ = other.size_;
    relative_ = std::move(other.relative_);
  }
  return *this;
}

ReadableFile::~ReadableFile() {
  if (fd_ >= 0) ::close(fd_);
}

Result<std::size_t> ReadableFile::Read(std::span<char> buffer) {
  while (true) {
    const ssize_t n = ::read(fd_, buffer.data(), buffer.size());
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno != EINTR) return IoError("read", relative_, errno);
  }
}

// LocalStorage --------------------------------------------------------------------------------

Result<LocalStorage> LocalStorage::Open(const fs::path& root) {
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) {
    return Error::Unavailable(
        fmt::format("cannot create the storage folder {}: {}", root.string(), ec.message()));
  }
  fs::path canonical = fs::canonical(root, ec);
  if (ec) {
    return Error::Unavailable(
        fmt::format("cannot open the storage folder {}: {}", root.string(), ec.message()));
  }
  if (!fs::is_directory(canonical, ec)) {
    return Error::Unavailable(fmt::format("storage folder {} is not a folder", root.string()));
  }
  return LocalStorage(std::move(canonical));
}

Result<fs::path> LocalStorage::Resolve(std::string_view relative) const {
  return ResolveIn(root_, relative, Area::kUser);
}

Result<fs::path> LocalStorage::ResolveKept(std::string_view relative) const {
  return ResolveIn(root_, relative, Area::kKept);
}

Result<std::unique_ptr<AtomicFile>> LocalStorage::CreateAtomic(std::string_view relative) const {
  auto target = Resolve(relative);
  if (!target.ok()) return std::move(target).error();
  return CreateAtomicAt(std::move(target).value(), relative);
}

Result<std::unique_ptr<AtomicFile>> LocalStorage::CreateAtomicKept(
    std::string_view relative) const {
  auto target = ResolveKept(relative);
  if (!target.ok()) return std::move(target).error();
  return CreateAtomicAt(std::move(target).value(), relative);
}

Result<std::unique_ptr<AtomicFile>> LocalStorage::CreateAtomicAt(fs::path target,
                                                                 std::string_view relative) const {
  BATUTA_RETURN_IF_ERROR(MakeFolders(root_, target.parent_path(), relative));
  struct stat st {};
  if (::stat(target.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    return Error::Conflict(fmt::format("{} is a folder, not a file", relative));
  }
  fs::path temp = TempPathFor(target);
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
  if (fd < 0) return IoError("create", relative, errno);
  // The constructor is private, so std::make_unique cannot call it.
  return std::unique_ptr<AtomicFile>(
      new AtomicFile(fd, root_, std::move(temp), std::move(target), std::string(relative)));
}

Result<ReadableFile> LocalStorage::OpenForRead(std::string_view relative) const {
  auto path = Resolve(relative);
  if (!path.ok()) return std::move(path).error();
  return OpenForReadAt(*path, relative);
}

Result<ReadableFile> LocalStorage::OpenKeptForRead(std::string_view relative) const {
  auto path = ResolveKept(relative);
  if (!path.ok()) return std::move(path).error();
  return OpenForReadAt(*path, relative);
}

Result<ReadableFile> LocalStorage::OpenForReadAt(const fs::path& path,
                                                 std::string_view relative) const {
  FdGuard fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return IoError("open", relative, errno);
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return IoError("stat", relative, errno);
  if (!S_ISREG(st.st_mode)) {
    return Error::Conflict(fmt::format("{} is not a file", relative));
  }
  return ReadableFile(fd.release(), static_cast<std::uint64_t>(st.st_size), std::string(relative));
}

Status LocalStorage::Remove(std::string_view relative) const {
  auto path = Resolve(relative);
  if (!path.ok()) return std::move(path).error();
  return RemoveAt(*path, relative);
}

Status LocalStorage::RemoveKept(std::string_view relative) const {
  auto path = ResolveKept(relative);
  if (!path.ok()) return std::move(path).error();
  return RemoveAt(*path, relative);
}

bool LocalStorage::Exists(std::string_view relative) const {
  auto path = Resolve(relative);
  if (!path.ok()) return false;
  struct stat st {};
  return ::stat(path->c_str(), &st) == 0;
}

Result<std::uint64_t> LocalStorage::FileSize(std::string_view relative) const {
  auto path = Resolve(relative);
  if (!path.ok()) return std::move(path).error();
  struct stat st {};
  if (::stat(path->c_str(), &st) != 0) return IoError("stat", relative, errno);
  if (!S_ISREG(st.st_mode)) return Error::Conflict(fmt::format("{} is not a file", relative));
  return static_cast<std::uint64_t>(st.st_size);
}

}  // namespace batuta::storage
