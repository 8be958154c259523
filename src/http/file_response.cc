#include "http/file_response.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <utility>

#include "http/byte_range.h"
#include "http/content_disposition.h"
#include "http/entity_tag.h"
#include "http/http_date.h"

namespace batuta::http {
namespace {

// Reads [offset, offset + length) of an open file with pread, one chunk per Next. Owns the
// descriptor: the bytes served are those of the file as opened, whatever happens to its path.
class FileSource final : public BodySource {
 public:
  explicit FileSource(int fd) : fd_(fd) {}
  ~FileSource() override { ::close(fd_); }
  FileSource(const FileSource&) = delete;
  FileSource& operator=(const FileSource&) = delete;

  int fd() const { return fd_; }

  void Select(std::uint64_t offset, std::uint64_t length, std::size_t chunk_bytes) {
    offset_ = offset;
    remaining_ = length;
    length_ = length;
    chunk_bytes_ = std::max<std::size_t>(chunk_bytes, 4096);
    // Tells the kernel to read ahead aggressively; purely advisory.
    ::posix_fadvise(fd_, static_cast<off_t>(offset), static_cast<off_t>(length),
                    POSIX_FADV_SEQUENTIAL);
  }

  Result<bool> Next(std::string& chunk) override {
    if (remaining_ == 0) return false;
    const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(chunk_bytes_, remaining_));
    const std::size_t start = chunk.size();
    chunk.resize(start + want);
    std::size_t got = 0;
    while (got < want) {
      const ssize_t n =
          ::pread(fd_, chunk.data() + start + got, want - got, static_cast<off_t>(offset_ + got));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        const int error = errno;
        chunk.resize(start);
        if (n == 0) return Error::Internal("the file was truncated while being sent");
        return Error::Internal(fmt::format("reading the file failed: {}", std::strerror(error)));
      }
      got += static_cast<std::size_t>(n);
    }
    offset_ += want;
    remaining_ -= want;
    return remaining_ > 0;
  }

  std::optional<std::uint64_t> size() const override { return length_; }

 private:
  int fd_;
  std::uint64_t offset_ = 0;
  std::uint64_t remaining_ = 0;
  std::uint64_t length_ = 0;
  std::size_t chunk_bytes_ = std::size_t{128} << 10;
};

bool IsEntityTag(std::string_view value) {
  return value.starts_with('"') || value.starts_with("W/") || value.starts_with("w/");
}

// If-Range (RFC 9110 section 13.1.5): an entity tag must match strongly; a date must equal
// Last-Modified, which must itself be a strong validator (at least a second before now).
bool IfRangeHolds(std::string_view if_range, std::string_view etag,
                  std::chrono::system_clock::time_point modified) {
  while (!if_range.empty() && if_range.front() == ' ') if_range.remove_prefix(1);
  if (IsEntityTag(if_range)) return EntityTagListMatches(if_range, etag, /*weak=*/false);
  const auto date = ParseHttpDate(if_range);
  return date && *date == modified &&
         modified + std::chrono::seconds(1) <= std::chrono::system_clock::now();
}

}  // namespace

Response FileResponse(const Request& request, const std::filesystem::path& file,
                      std::string content_type, std::string etag,
                      const FileResponseOptions& options) {
  const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int error = errno;
    if (error == ENOENT || error == ENOTDIR) return ErrorResponse(Error::NotFound("no such file"));
    spdlog::warn("cannot open {}: {}", file.string(), std::strerror(error));
    return ErrorResponse(Error::Internal(fmt::format("cannot open {}", file.string())));
  }
  auto source = std::make_shared<FileSource>(fd);  // owns fd from here on
  struct stat st {};
  if (::fstat(source->fd(), &st) != 0) {
    const int error = errno;
    spdlog::warn("cannot stat {}: {}", file.string(), std::strerror(error));
    return ErrorResponse(Error::Internal(fmt::format("cannot stat {}", file.string())));
  }
  if (!S_ISREG(st.st_mode)) return ErrorResponse(Error::NotFound("no such file"));

  const auto size = static_cast<std::uint64_t>(st.st_size);
  const auto modified =
      std::chrono::system_clock::time_point(std::chrono::seconds(st.st_mtim.tv_sec));
  if (etag.empty()) {
    const auto mtime_ns = static_cast<std::uint64_t>(st.st_mtim.tv_sec) * 1'000'000'000u +
                          static_cast<std::uint64_t>(st.st_mtim.tv_nsec);
    etag = fmt::format("{:x}-{:x}", size, mtime_ns);
  }
  etag = QuoteEntityTag(etag);

  Response response;
  response.headers.emplace_back("ETag", etag);
  response.headers.emplace_back("Last-Modified", FormatHttpDate(modified));
  if (!options.cache_control.empty()) {
    response.headers.emplace_back("Cache-Control", options.cache_control);
  }

  const bool get = request.method == Method::kGet;
  if (get || request.method == Method::kHead) {
    bool not_modified = false;
    if (const auto if_none_match = request.Header("If-None-Match")) {
      not_modified = EntityTagListMatches(*if_none_match, etag, /*weak=*/true);
    } else if (const auto if_modified_since = request.Header("If-Modified-Since")) {
      const auto since = ParseHttpDate(*if_modified_since);
      not_modified = since && modified <= *since;
    }
    if (not_modified) {
      response.status = 304;
      return response;
    }
  }

  response.headers.emplace_back("Accept-Ranges", "bytes");
  ByteRangeRequest range;
  if (const auto range_header = request.Header("Range"); get && range_header) {
    const auto if_range = request.Header("If-Range");
    if (!if_range || IfRangeHolds(*if_range, etag, modified)) {
      range = EvaluateRange(*range_header, size);
    }
  }
  if (range.kind == ByteRangeRequest::Kind::kUnsatisfiable) {
    response.status = 416;
    response.headers.emplace_back("Content-Range", fmt::format("bytes */{}", size));
    return response;
  }
  response.headers.emplace_back("Content-Type", std::move(content_type));
  if (!options.download_name.empty()) {
    response.headers.emplace_back("Content-Disposition",
                                  AttachmentDisposition(options.download_name));
  }
  if (range.kind == ByteRangeRequest::Kind::kRange) {
    response.status = 206;
    response.headers.emplace_back("Content-Range",
                                  fmt::format("bytes {}-{}/{}", range.first, range.last, size));
    source->Select(range.first, range.length(), options.chunk_bytes);
  } else {
    response.status = 200;
    source->Select(0, size, options.chunk_bytes);
  }
  response.body_source = std::move(source);
  return response;
}

}  // namespace batuta::http
