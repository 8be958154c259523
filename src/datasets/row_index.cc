#include "datasets/row_index.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <utility>

namespace batuta::datasets {
namespace {

constexpr std::string_view kMagic("BTRWIDX\0", 8);
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kFixedSize = 56;
constexpr std::size_t kCheckpointSize = 24;
constexpr std::uint32_t kFlagHeader = 1;
constexpr std::uint32_t kFlagGzip = 2;

void PutU32(std::string& out, std::uint32_t value) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}
void PutU64(std::string& out, std::uint64_t value) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFF));
}
std::uint32_t GetU32(std::string_view bytes, std::size_t at) {
  std::uint32_t value = 0;
  for (int i = 3; i >= 0; --i) {
    value = (value << 8) | static_cast<unsigned char>(bytes[at + static_cast<std::size_t>(i)]);
  }
  return value;
}
std::uint64_t GetU64(std::string_view bytes, std::size_t at) {
  std::uint64_t value = 0;
  for (int i = 7; i >= 0; --i) {
    value = (value << 8) | static_cast<unsigned char>(bytes[at + static_cast<std::size_t>(i)]);
  }
  return value;
}
std::uint32_t Crc32(std::string_view bytes) {
  return static_cast<std::uint32_t>(
      crc32(0L, reinterpret_cast<const Bytef*>(bytes.data()), static_cast<uInt>(bytes.size())));
}

// `next` may follow `previous` in an index.
bool Follows(const CsvCheckpoint& previous, const CsvCheckpoint& next) {
  return next.row > previous.row && next.raw_offset >= previous.raw_offset &&
         next.file_offset >= previous.file_offset;
}

Error Invalid(std::string_view what) {
  return Error::InvalidArgument(fmt::format("not a valid row index: {}", what));
}

Status WriteAll(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Error::Unavailable(fmt::format("writing {}: {}", path, std::strerror(errno)));
    }
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return Ok();
}

}  // namespace

Status RowIndexBuilder::Add(const CsvCheckpoint& checkpoint) {
  if (!checkpoints_.empty() && !Follows(checkpoints_.back(), checkpoint)) {
    return Error::InvalidArgument(
        fmt::format("row index checkpoint for row {} does not follow the one for row {}",
                    checkpoint.row, checkpoints_.back().row));
  }
  checkpoints_.push_back(checkpoint);
  return Ok();
}

Result<std::string> RowIndexBuilder::Serialize(const RowIndexSummary& summary) const {
  if (!checkpoints_.empty() && checkpoints_.back().row > summary.rows) {
    return Error::InvalidArgument(
        fmt::format("row index checkpoint for row {} lies beyond the file's {} rows",
                    checkpoints_.back().row, summary.rows));
  }
  std::string out;
  out.reserve(kFixedSize + kCheckpointSize * checkpoints_.size() + 4);
  out.append(kMagic);
  PutU32(out, kVersion);
  PutU32(out, (summary.header ? kFlagHeader : 0) | (summary.gzip ? kFlagGzip : 0));
  PutU64(out, summary.rows);
  PutU32(out, summary.columns);
  PutU32(out, 0);
  PutU64(out, summary.raw_size);
  PutU64(out, summary.file_size);
  PutU64(out, checkpoints_.size());
  for (const CsvCheckpoint& checkpoint : checkpoints_) {
    PutU64(out, checkpoint.row);
    PutU64(out, checkpoint.raw_offset);
    PutU64(out, checkpoint.file_offset);
  }
  PutU32(out, Crc32(out));
  return out;
}

Status RowIndexBuilder::Finish(const RowIndexSummary& summary, ByteSink& out) const {
  auto bytes = Serialize(summary);
  if (!bytes.ok()) return std::move(bytes).error();
  BATUTA_RETURN_IF_ERROR(out.Write(*bytes));
  return out.Flush();
}

Status RowIndexBuilder::FinishToFile(const RowIndexSummary& summary,
                                     const std::string& path) const {
  auto bytes = Serialize(summary);
  if (!bytes.ok()) return std::move(bytes).error();
  const std::string temporary = path + ".tmp";
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) {
    return Error::Unavailable(fmt::format("creating {}: {}", temporary, std::strerror(errno)));
  }
  Status written = WriteAll(fd, *bytes, temporary);
  if (written.ok() && ::fsync(fd) != 0) {
    written = Error::Unavailable(fmt::format("syncing {}: {}", temporary, std::strerror(errno)));
  }
  ::close(fd);
  if (written.ok() && std::rename(temporary.c_str(), path.c_str()) != 0) {
    written = Error::Unavailable(fmt::format("renaming {}: {}", temporary, std::strerror(errno)));
  }
  if (!written.ok()) ::unlink(temporary.c_str());
  return written;
}

Result<RowIndex> RowIndex::Parse(std::string_view bytes) {
  if (bytes.size() < kFixedSize + 4) return Invalid("too short");
  if (bytes.substr(0, kMagic.size()) != kMagic) return Invalid("bad magic");
  if (const std::uint32_t version = GetU32(bytes, 8); version != kVersion) {
    return Invalid(fmt::format("unknown version {}", version));
  }
  const std::uint32_t flags = GetU32(bytes, 12);
  if ((flags & ~(kFlagHeader | kFlagGzip)) != 0) return Invalid("unknown flags");
  const std::uint64_t count = GetU64(bytes, 48);
  if (count > (bytes.size() - kFixedSize - 4) / kCheckpointSize ||
      bytes.size() != kFixedSize + kCheckpointSize * count + 4) {
    return Invalid("its size does not match its checkpoint count");
  }
  const std::size_t crc_at = bytes.size() - 4;
  if (GetU32(bytes, crc_at) != Crc32(bytes.substr(0, crc_at))) return Invalid("CRC mismatch");

  RowIndex index;
  index.summary_.header = (flags & kFlagHeader) != 0;
  index.summary_.gzip = (flags & kFlagGzip) != 0;
  index.summary_.rows = GetU64(bytes, 16);
  index.summary_.columns = GetU32(bytes, 24);
  index.summary_.raw_size = GetU64(bytes, 32);
  index.summary_.file_size = GetU64(bytes, 40);
  index.checkpoints_.reserve(count);
  for (std::uint64_t i = 0; i < count; ++i) {
    const std::size_t at = kFixedSize + kCheckpointSize * i;
    const CsvCheckpoint checkpoint{GetU64(bytes, at), GetU64(bytes, at + 8),
                                   GetU64(bytes, at + 16)};
    if (!index.checkpoints_.empty() && !Follows(index.checkpoints_.back(), checkpoint)) {
      return Invalid("checkpoints out of order");
    }
    if (checkpoint.row > index.summary_.rows) return Invalid("checkpoint beyond the last row");
    index.checkpoints_.push_back(checkpoint);
  }
  return index;
}

Result<RowIndex> RowIndex::Load(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::exists(path, error)) {
    return Error::NotFound(fmt::format("row index {} does not exist", path));
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return Error::Unavailable(fmt::format("cannot open row index {}", path));
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return Error::Unavailable(fmt::format("cannot read row index {}", path));
  auto index = Parse(bytes);
  if (!index.ok()) {
    return Error::InvalidArgument(fmt::format("{}: {}", path, index.error().message));
  }
  return index;
}

Result<RowIndex> RowIndex::Build(const std::string& csv_path, const formats::CsvOptions& options,
                                 std::uint64_t interval) {
  if (interval == 0) interval = kCheckpointInterval;
  auto reader = CsvReader::OpenFile(csv_path, options);
  if (!reader.ok()) return std::move(reader).error();
  RowIndex index;
  index.summary_.gzip = options.gzip;
  std::uint64_t raw_end = 0;
  for (;;) {
    auto more = (*reader)->Next();
    if (!more.ok()) return std::move(more).error();
    if (!*more) break;
    const CsvRecord& record = (*reader)->record();
    if (record.row == 0) index.summary_.columns = static_cast<std::uint32_t>(record.fields.size());
    if (!options.gzip && record.row % interval == 0) {
      index.checkpoints_.push_back({record.row, record.raw_begin, record.raw_begin});
    }
    raw_end = record.raw_end;
    index.summary_.rows = record.row + 1;
  }
  index.summary_.header = (*reader)->has_header();
  if (index.summary_.rows == 0 && (*reader)->has_header()) {
    index.summary_.columns = static_cast<std::uint32_t>((*reader)->header().size());
  }
  std::error_code error;
  const auto size = std::filesystem::file_size(csv_path, error);
  if (!error) index.summary_.file_size = size;
  index.summary_.raw_size = options.gzip ? raw_end : index.summary_.file_size;
  return index;
}

CsvCheckpoint RowIndex::Locate(std::uint64_t row) const {
  const auto after = std::upper_bound(checkpoints_.begin(), checkpoints_.end(), row,
                                      [](std::uint64_t wanted, const CsvCheckpoint& checkpoint) {
                                        return wanted < checkpoint.row;
                                      });
  if (after == checkpoints_.begin()) return {};
  return *std::prev(after);
}

}  // namespace batuta::datasets
