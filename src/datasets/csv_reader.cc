#include "datasets/csv_reader.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace batuta::datasets {
namespace {

constexpr std::size_t kInitialBuffer = std::size_t{256} * 1024;
// The first read after a real Seek is small (it may be for one record); later reads double.
constexpr std::size_t kInitialRead = std::size_t{4} * 1024;
constexpr std::size_t kMaxRead = std::size_t{1024} * 1024;
constexpr std::size_t kCompressedBuffer = std::size_t{128} * 1024;

// The UTF-8 form of windows-1252 bytes 0x80..0x9F (WHATWG index: undefined bytes map to the C1
// control of the same value). 0xA0..0xFF are U+00A0..U+00FF.
constexpr char16_t kWindows1252High[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

void AppendWindows1252(std::string& out, unsigned char byte) {
  if (byte < 0x80) {
    out.push_back(static_cast<char>(byte));
    return;
  }
  const unsigned cp = byte < 0xA0 ? kWindows1252High[byte - 0x80] : byte;
  if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

class FileInput final : public CsvInput {
 public:
  FileInput(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~FileInput() override { ::close(fd_); }
  FileInput(const FileInput&) = delete;
  FileInput& operator=(const FileInput&) = delete;

  Result<std::size_t> ReadAt(std::uint64_t offset, char* out, std::size_t size) override {
    std::size_t done = 0;
    while (done < size) {
      const ssize_t n = ::pread(fd_, out + done, size - done, static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return Error::Unavailable(fmt::format("reading {}: {}", path_, std::strerror(errno)));
      }
      if (n == 0) break;
      done += static_cast<std::size_t>(n);
    }
    return done;
  }

 private:
  int fd_;
  std::string path_;
};

class MemoryInput final : public CsvInput {
 public:
  explicit MemoryInput(std::string bytes) : bytes_(std::move(bytes)) {}
  Result<std::size_t> ReadAt(std::uint64_t offset, char* out, std::size_t size) override {
    if (offset >= bytes_.size()) return std::size_t{0};
    const std::size_t n = std::min<std::uint64_t>(size, bytes_.size() - offset);
    std::memcpy(out, bytes_.data() + offset, n);
    return n;
  }

 private:
  std::string bytes_;
};

}  // namespace

// The uncompressed stream of a file, from a checkpoint on.
class CsvStream {
 public:
  virtual ~CsvStream() = default;
  virtual Status Start(const CsvCheckpoint& at) = 0;
  // Up to `size` bytes; 0 at the end of the stream.
  virtual Result<std::size_t> Read(char* out, std::size_t size) = 0;
};

namespace {

class PlainStream final : public CsvStream {
 public:
  explicit PlainStream(CsvInput& input) : input_(input) {}
  Status Start(const CsvCheckpoint& at) override {
    offset_ = at.raw_offset;
    return Ok();
  }
  Result<std::size_t> Read(char* out, std::size_t size) override {
    auto n = input_.ReadAt(offset_, out, size);
    if (n.ok()) offset_ += *n;
    return n;
  }

 private:
  CsvInput& input_;
  std::uint64_t offset_ = 0;
};

// Inflates from the start of the file (gzip header and trailer checked by zlib) or from a full
// flush point (raw deflate: the member's trailer is skipped unchecked). Concatenated members are
// read one after the other, as gunzip does.
class GzipStream final : public CsvStream {
 public:
  explicit GzipStream(CsvInput& input)
      : input_(input), in_(std::make_unique<unsigned char[]>(kCompressedBuffer)) {}
  ~GzipStream() override {
    if (initialized_) inflateEnd(&z_);
  }
  GzipStream(const GzipStream&) = delete;
  GzipStream& operator=(const GzipStream&) = delete;

  Status Start(const CsvCheckpoint& at) override {
    file_offset_ = at.file_offset;
    in_pos_ = in_end_ = 0;
    input_eof_ = false;
    member_end_ = false;
    trailer_left_ = 0;
    raw_ = at.file_offset != 0;
    const int bits = raw_ ? -MAX_WBITS : MAX_WBITS + 16;
    const int rc = initialized_ ? inflateReset2(&z_, bits) : inflateInit2(&z_, bits);
    if (rc != Z_OK) return Error::Internal("zlib: cannot initialise inflate");
    initialized_ = true;
    return Ok();
  }

  Result<std::size_t> Read(char* out, std::size_t size) override {
    std::size_t produced = 0;
    while (produced < size) {
      if (member_end_) {
        while (trailer_left_ > 0) {
          if (in_pos_ == in_end_) {
            BATUTA_RETURN_IF_ERROR(Fill());
            if (in_pos_ == in_end_) return Corrupt("the gzip trailer is truncated");
          }
          const std::size_t take = std::min(trailer_left_, in_end_ - in_pos_);
          in_pos_ += take;
          trailer_left_ -= take;
        }
        while (in_end_ - in_pos_ < 2 && !input_eof_) BATUTA_RETURN_IF_ERROR(Fill());
        if (in_end_ == in_pos_) return produced;  // the end of the last member
        if (in_end_ - in_pos_ < 2 || in_[in_pos_] != 0x1f || in_[in_pos_ + 1] != 0x8b) {
          return Corrupt("unexpected bytes after the gzip stream");
        }
        if (inflateReset2(&z_, MAX_WBITS + 16) != Z_OK) return Corrupt("cannot restart inflate");
        raw_ = false;
        member_end_ = false;
      }
      if (in_pos_ == in_end_ && !input_eof_) BATUTA_RETURN_IF_ERROR(Fill());
      z_.next_in = in_.get() + in_pos_;
      z_.avail_in = static_cast<uInt>(in_end_ - in_pos_);
      z_.next_out = reinterpret_cast<Bytef*>(out + produced);
      z_.avail_out = static_cast<uInt>(size - produced);
      const int rc = inflate(&z_, Z_NO_FLUSH);
      const std::size_t consumed = (in_end_ - in_pos_) - z_.avail_in;
      const std::size_t made = (size - produced) - z_.avail_out;
      in_pos_ += consumed;
      produced += made;
      if (rc == Z_STREAM_END) {
        member_end_ = true;
        trailer_left_ = raw_ ? 8 : 0;
        continue;
      }
      if (rc == Z_OK || rc == Z_BUF_ERROR) {
        if (consumed == 0 && made == 0 && in_pos_ == in_end_ && input_eof_) {
          return Corrupt("the gzip stream is truncated");
        }
        continue;
      }
      return Corrupt(z_.msg != nullptr ? z_.msg : "invalid compressed data");
    }
    return produced;
  }

 private:
  Status Fill() {
    if (in_pos_ > 0) {
      std::memmove(in_.get(), in_.get() + in_pos_, in_end_ - in_pos_);
      in_end_ -= in_pos_;
      in_pos_ = 0;
    }
    auto n = input_.ReadAt(file_offset_, reinterpret_cast<char*>(in_.get()) + in_end_,
                           kCompressedBuffer - in_end_);
    if (!n.ok()) return std::move(n).error();
    if (*n == 0) input_eof_ = true;
    in_end_ += *n;
    file_offset_ += *n;
    return Ok();
  }
  static Error Corrupt(std::string_view what) {
    return Error::InvalidArgument(fmt::format("corrupt gzip data: {}", what));
  }

  CsvInput& input_;
  z_stream z_{};
  bool initialized_ = false;
  bool raw_ = false;
  std::unique_ptr<unsigned char[]> in_;
  std::size_t in_pos_ = 0;
  std::size_t in_end_ = 0;
  std::uint64_t file_offset_ = 0;
  bool input_eof_ = false;
  bool member_end_ = false;
  std::size_t trailer_left_ = 0;
};

enum Where : unsigned char { kInBuffer, kInScratch, kInDecoded };

}  // namespace

Result<std::unique_ptr<CsvReader>> CsvReader::OpenFile(const std::string& path,
                                                       const formats::CsvOptions& options) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Error::NotFound(fmt::format("{} does not exist", path));
    return Error::Unavailable(fmt::format("opening {}: {}", path, std::strerror(errno)));
  }
  auto input = std::make_unique<FileInput>(fd, path);
  auto reader = std::make_unique<CsvReader>(*input, options);
  reader->owned_input_ = std::move(input);
  return reader;
}

std::unique_ptr<CsvReader> CsvReader::FromBytes(std::string bytes,
                                                const formats::CsvOptions& options) {
  auto input = std::make_unique<MemoryInput>(std::move(bytes));
  auto reader = std::make_unique<CsvReader>(*input, options);
  reader->owned_input_ = std::move(input);
  return reader;
}

CsvReader::CsvReader(CsvInput& input, const formats::CsvOptions& options)
    : input_(input),
      options_(options),
      buffer_(std::make_unique<char[]>(kInitialBuffer)),
      capacity_(kInitialBuffer) {
  if (options_.gzip) {
    stream_ = std::make_unique<GzipStream>(input_);
  } else {
    stream_ = std::make_unique<PlainStream>(input_);
  }
  special_[static_cast<unsigned char>(options_.delimiter)] = true;
  special_[static_cast<unsigned char>(options_.quote)] = true;
  special_['\r'] = true;
  special_['\n'] = true;
}

CsvReader::~CsvReader() = default;

Status CsvReader::Seek(const CsvCheckpoint& at) {
  if (positioned_ && at.raw_offset > 0 && at.raw_offset >= buffer_raw_ &&
      at.raw_offset - buffer_raw_ <= end_) {
    begin_ = at.raw_offset - buffer_raw_;
    row_ = at.row;
    at_stream_start_ = false;
    return Ok();
  }
  positioned_ = false;
  BATUTA_RETURN_IF_ERROR(stream_->Start(at));
  begin_ = end_ = 0;
  buffer_raw_ = at.raw_offset;
  read_size_ = kInitialRead;
  eof_ = false;
  row_ = at.row;
  at_stream_start_ = at.raw_offset == 0;
  positioned_ = true;
  return Ok();
}

Status CsvReader::Refill() {
  if (eof_) return Ok();
  if (begin_ > 0) {
    std::memmove(buffer_.get(), buffer_.get() + begin_, end_ - begin_);
    buffer_raw_ += begin_;
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == capacity_) {
    auto bigger = std::make_unique<char[]>(capacity_ * 2);
    std::memcpy(bigger.get(), buffer_.get(), end_);
    buffer_ = std::move(bigger);
    capacity_ *= 2;
  }
  auto n = stream_->Read(buffer_.get() + end_, std::min(read_size_, capacity_ - end_));
  if (!n.ok()) return std::move(n).error();
  if (*n == 0) {
    eof_ = true;
  } else {
    end_ += *n;
    read_size_ = std::min(read_size_ * 2, kMaxRead);
  }
  return Ok();
}

Error CsvReader::Malformed(std::uint64_t raw_offset, std::string_view what) const {
  if (reading_header_) {
    return Error::InvalidArgument(fmt::format("CSV header (byte {}): {}", raw_offset, what));
  }
  return Error::InvalidArgument(
      fmt::format("CSV data row {} (byte {}): {}", row_ + 1, raw_offset, what));
}

// Parses the record starting at begin_. kNeedMore when the buffered bytes end before the record
// does (the caller refills and parses the record again from its start); never with eof_.
CsvReader::Parse CsvReader::ParseRecord(std::size_t& record_end, std::size_t& error_at,
                                        const char*& error) {
  refs_.clear();
  scratch_.clear();
  const char* buf = buffer_.get();
  const std::size_t end = end_;
  const char delimiter = options_.delimiter;
  const char quote = options_.quote;
  std::size_t p = begin_;
  for (;;) {
    if (p == end) {
      if (!eof_) return Parse::kNeedMore;
      refs_.push_back({p, 0, kInBuffer, false});
      record_end = p;
      return Parse::kRecord;
    }
    if (buf[p] == quote) {
      std::size_t segment = p + 1;
      std::size_t q = segment;
      const std::size_t scratch_begin = scratch_.size();
      bool escaped = false;
      std::size_t close = 0;
      for (;;) {
        const void* hit = std::memchr(buf + q, quote, end - q);
        if (hit == nullptr) {
          if (!eof_) return Parse::kNeedMore;
          error_at = p;
          error = "unterminated quoted field";
          return Parse::kError;
        }
        const std::size_t r = static_cast<std::size_t>(static_cast<const char*>(hit) - buf);
        if (r + 1 == end && !eof_) return Parse::kNeedMore;
        if (r + 1 < end && buf[r + 1] == quote) {
          scratch_.append(buf + segment, r + 1 - segment);
          q = segment = r + 2;
          escaped = true;
          continue;
        }
        close = r;
        break;
      }
      if (escaped) {
        scratch_.append(buf + segment, close - segment);
        refs_.push_back({scratch_begin, scratch_.size() - scratch_begin, kInScratch, true});
      } else {
        refs_.push_back({p + 1, close - p - 1, kInBuffer, true});
      }
      p = close + 1;
      if (p == end) {  // eof_: a closing quote at the end of the buffer was checked above
        record_end = p;
        return Parse::kRecord;
      }
    } else {
      const std::size_t start = p;
      while (p < end && !special_[static_cast<unsigned char>(buf[p])]) ++p;
      if (p == end && !eof_) return Parse::kNeedMore;
      refs_.push_back({start, p - start, kInBuffer, false});
      if (p == end) {
        record_end = p;
        return Parse::kRecord;
      }
    }
    const char c = buf[p];
    if (c == delimiter) {
      ++p;
      continue;
    }
    if (c == '\n') {
      record_end = p + 1;
      return Parse::kRecord;
    }
    if (c == '\r') {
      if (p + 1 == end && !eof_) return Parse::kNeedMore;
      record_end = p + 1 < end && buf[p + 1] == '\n' ? p + 2 : p + 1;
      return Parse::kRecord;
    }
    error_at = p;
    error = refs_.back().quoted ? "unexpected character after a closing quote"
                                : "quote inside an unquoted field";
    return Parse::kError;
  }
}

void CsvReader::DecodeWindows1252() {
  decoded_.clear();
  for (FieldRef& ref : refs_) {
    const char* base = ref.where == kInScratch ? scratch_.data() : buffer_.get();
    const auto* text = reinterpret_cast<const unsigned char*>(base + ref.begin);
    bool high = false;
    for (std::size_t i = 0; i < ref.size; ++i) high |= text[i] >= 0x80;
    if (!high) continue;
    const std::size_t begin = decoded_.size();
    for (std::size_t i = 0; i < ref.size; ++i) AppendWindows1252(decoded_, text[i]);
    ref = {begin, decoded_.size() - begin, kInDecoded, ref.quoted};
  }
}

void CsvReader::BuildFields() {
  fields_.resize(refs_.size());
  for (std::size_t i = 0; i < refs_.size(); ++i) {
    const FieldRef& ref = refs_[i];
    const char* base = ref.where == kInBuffer    ? buffer_.get()
                       : ref.where == kInScratch ? scratch_.data()
                                                 : decoded_.data();
    fields_[i] = {std::string_view(base + ref.begin, ref.size), ref.quoted};
  }
  record_.fields = fields_;
}

Result<bool> CsvReader::ReadRecord() {
  for (;;) {
    if (begin_ == end_) {
      if (eof_) return false;
      BATUTA_RETURN_IF_ERROR(Refill());
      continue;
    }
    std::size_t record_end = 0;
    std::size_t error_at = 0;
    const char* error = "";
    const Parse parsed = ParseRecord(record_end, error_at, error);
    if (parsed == Parse::kNeedMore) {
      BATUTA_RETURN_IF_ERROR(Refill());
      continue;
    }
    if (parsed == Parse::kError) return Malformed(buffer_raw_ + error_at, error);
    if (options_.encoding == formats::CsvEncoding::kWindows1252) DecodeWindows1252();
    BuildFields();
    record_.raw_begin = buffer_raw_ + begin_;
    record_.raw_end = buffer_raw_ + record_end;
    begin_ = record_end;
    return true;
  }
}

Status CsvReader::StartOfStream() {
  at_stream_start_ = false;
  while (end_ - begin_ < 3 && !eof_) BATUTA_RETURN_IF_ERROR(Refill());
  if (options_.encoding != formats::CsvEncoding::kWindows1252 && end_ - begin_ >= 3 &&
      std::memcmp(buffer_.get() + begin_, "\xEF\xBB\xBF", 3) == 0) {
    begin_ += 3;
  }
  if (!options_.header) return Ok();
  reading_header_ = true;
  auto read = ReadRecord();
  reading_header_ = false;
  if (!read.ok()) return std::move(read).error();
  if (*read) {
    header_.assign(record_.fields.size(), std::string());
    for (std::size_t i = 0; i < record_.fields.size(); ++i) {
      header_[i] = std::string(record_.fields[i].text);
    }
    has_header_ = true;
  }
  return Ok();
}

Result<bool> CsvReader::Next() {
  if (!positioned_) BATUTA_RETURN_IF_ERROR(Seek({}));
  if (at_stream_start_) BATUTA_RETURN_IF_ERROR(StartOfStream());
  auto read = ReadRecord();
  if (read.ok() && *read) record_.row = row_++;
  return read;
}

Result<bool> CsvReader::Skip(std::uint64_t count) {
  for (std::uint64_t i = 0; i < count; ++i) {
    auto read = Next();
    if (!read.ok() || !*read) return read;
  }
  return true;
}

}  // namespace batuta::datasets
