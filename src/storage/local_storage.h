#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/byte_sink.h"
#include "core/result.h"

namespace batuta::storage {

// Names whose first characters are this belong to the storage itself: the folder of kept
// versions and row indexes (".batuta/"), and the temporary files of writes in progress
// (".batuta-tmp-*"). A user path can never name them, so a user file can never collide with
// them, and a listing skips them with IsReservedName alone.
inline constexpr std::string_view kReservedPrefix = ".batuta";
// The one reserved folder callers may use, through the *Kept methods and also_keep_as.
inline constexpr std::string_view kKeptFolder = ".batuta";
// The start of a temporary file's name (an AtomicFile not committed yet).
inline constexpr std::string_view kTemporaryPrefix = ".batuta-tmp-";
// Folder of a storage connection inside the data directory when its config names none.
inline constexpr std::string_view kDefaultFolder = "exports";

// Whether a file or folder name (one path segment) is reserved (case-insensitive, so a
// case-insensitive file system cannot alias it).
bool IsReservedName(std::string_view name);

std::filesystem::path DefaultStorageRoot(const std::filesystem::path& data_dir);

// A file being written under a temporary name next to its target, which it replaces only on
// Commit: readers see the old file or the new one, never part of one. Destroying an
// uncommitted AtomicFile removes the temporary file.
//
// Write buffers up to kBufferSize bytes and writes larger pieces through. A failed write makes
// every later call fail with the same error; a full disk (ENOSPC, EDQUOT) is kUnavailable
// "disk full while writing <relative path>", other failures kUnavailable naming the path and
// the system's reason. Not thread-safe: one writer at a time.
class AtomicFile : public ByteSink {
 public:
  static constexpr std::size_t kBufferSize = std::size_t{64} * 1024;

  ~AtomicFile() override;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  Status Write(std::string_view bytes) override;
  // Hands buffered bytes to the kernel (no fsync: Commit does that).
  Status Flush() override;
  // Bytes accepted by Write so far.
  std::uint64_t size() const { return size_; }
  // The path this file replaces on Commit, relative to the storage root, as given.
  const std::string& relative_path() const { return relative_; }

  // Flushes and fsyncs the file; then, with `also_keep_as`, makes the content available at that
  // path too (a hard link, or a copy when link(2) fails with EXDEV, EPERM, EMLINK or
  // EOPNOTSUPP), replacing a file already there; then renames the file over its target and
  // fsyncs the target's folder. `also_keep_as` is a user path or a kept path
  // (".batuta/versions/<id>.csv"), resolved like Resolve / ResolveKept. The kept copy is in
  // place before the target changes; if the final rename fails it stays, and the target keeps
  // its old content. Calling Commit twice, or after a failure, is an error.
  Status Commit(std::optional<std::string_view> also_keep_as = {});

 private:
  friend class LocalStorage;
  AtomicFile(int fd, std::filesystem::path root, std::filesystem::path temp,
             std::filesystem::path target, std::string relative);

  Status WriteFd(std::string_view bytes);
  Status Fail(Error error);

  int fd_;
  std::filesystem::path root_;
  std::filesystem::path temp_;
  std::filesystem::path target_;
  std::string relative_;
  std::string buffer_;
  std::uint64_t size_ = 0;
  // Bytes handed to the kernel, and the end of the range whose writeback was started.
  static constexpr std::uint64_t kWritebackStep = std::uint64_t{8} << 20;
  std::uint64_t in_kernel_ = 0;
  std::uint64_t writeback_started_ = 0;
  bool committed_ = false;
  std::optional<Error> failed_;
};

// A file opened for reading; closes it on destruction. Move-only. Not thread-safe.
class ReadableFile {
 public:
  ReadableFile(ReadableFile&& other) noexcept;
  ReadableFile& operator=(ReadableFile&& other) noexcept;
  ReadableFile(const ReadableFile&) = delete;
  ReadableFile& operator=(const ReadableFile&) = delete;
  ~ReadableFile();

  // Reads up to buffer.size() bytes; 0 at the end of the file.
  Result<std::size_t> Read(std::span<char> buffer);
  // The descriptor, for sendfile(2) and the like; owned by this object.
  int fd() const { return fd_; }
  // Size when opened.
  std::uint64_t size() const { return size_; }

 private:
  friend class LocalStorage;
  ReadableFile(int fd, std::uint64_t size, std::string relative)
      : fd_(fd), size_(size), relative_(std::move(relative)) {}

  int fd_;
  std::uint64_t size_;
  std::string relative_;
};

// A storage connection backed by a local folder: every path is relative to its root and can
// never leave it, and every write is atomic (AtomicFile).
//
// Paths use '/' between segments. Refused with kValidation (field "path"): empty paths,
// absolute paths, empty, "." or ".." segments, NUL bytes, backslashes, segments longer than
// 255 bytes, reserved names (IsReservedName) outside the kept folder, and paths that leave the
// root or enter the kept folder through a symbolic link (checked with weakly_canonical).
//
// Kept paths (ResolveKept and the *Kept methods) are ".batuta/<user path>": the kept folder for
// versions and row index files, which user paths cannot reach.
//
// Thread-safety: a LocalStorage is immutable and every method may be called from any thread.
// Concurrent writers of one target each replace it whole; the last Commit wins. The
// symbolic-link check is made when a path is resolved: it protects against links in the
// folder, not against a local user who can change links in the root while batuta writes
// (the root must be writable by batuta only).
class LocalStorage {
 public:
  // Opens the storage at `root`, creating the folder (and its parents) if missing.
  static Result<LocalStorage> Open(const std::filesystem::path& root);

  // The root folder, canonical (symbolic links resolved).
  const std::filesystem::path& root() const { return root_; }

  // The absolute, canonical path of `relative` inside the root (see the class comment for what
  // is refused). The file need not exist.
  Result<std::filesystem::path> Resolve(std::string_view relative) const;
  // As Resolve, for a path that starts with ".batuta/".
  Result<std::filesystem::path> ResolveKept(std::string_view relative) const;

  // A new AtomicFile for `relative`, creating its parent folders (mode 0750) first. The
  // temporary file ".batuta-tmp-<random>-<name>" (O_EXCL, mode 0640) is in the target's folder,
  // so the final rename never crosses file systems. A target that is a folder is kConflict.
  Result<std::unique_ptr<AtomicFile>> CreateAtomic(std::string_view relative) const;
  Result<std::unique_ptr<AtomicFile>> CreateAtomicKept(std::string_view relative) const;

  // kNotFound when there is no such file.
  Result<ReadableFile> OpenForRead(std::string_view relative) const;
  Result<ReadableFile> OpenKeptForRead(std::string_view relative) const;

  // Removes a file (not a folder); kNotFound when there is none.
  Status Remove(std::string_view relative) const;
  Status RemoveKept(std::string_view relative) const;

  // Whether `relative` is a valid path naming an existing file or folder.
  bool Exists(std::string_view relative) const;
  // kNotFound when there is no such file; kConflict for a folder.
  Result<std::uint64_t> FileSize(std::string_view relative) const;

 private:
  explicit LocalStorage(std::filesystem::path root) : root_(std::move(root)) {}

  Result<std::unique_ptr<AtomicFile>> CreateAtomicAt(std::filesystem::path target,
                                                     std::string_view relative) const;
  Result<ReadableFile> OpenForReadAt(const std::filesystem::path& path,
                                     std::string_view relative) const;

  std::filesystem::path root_;
};

}  // namespace batuta::storage
