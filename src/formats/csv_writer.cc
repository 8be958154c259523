#include "formats/csv_writer.h"

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <utility>

#include "formats/gzip_sink.h"
#include "formats/text_encoding.h"

namespace batuta::formats {
namespace {

// Rows are handed on once the buffer holds this much.
constexpr std::size_t kChunk = std::size_t{64} * 1024;
// Byte classes: a field with a kSpecial byte is quoted; kQuoteChar bytes are doubled inside
// quotes; a field with a kHigh byte goes through Encode.
constexpr std::uint8_t kSpecial = 1;
constexpr std::uint8_t kQuoteChar = 2;
constexpr std::uint8_t kHigh = 4;

// zlib level for options.gzip. On 100 MB of typical export, level 1 gave 17 MB in 0.45 s of
// CPU, level 6 (zlib's default) 14 MB in 1.2 s: speed wins, exports block a worker.
constexpr int kGzipLevel = Z_BEST_SPEED;

constexpr std::string_view kBom = "\xEF\xBB\xBF";
constexpr std::string_view kUtf8Replacement = "\xEF\xBF\xBD";

// Eight bytes at a time (SWAR): whether a word holds any byte equal to `byte`. The classic
// "has zero byte" test on word ^ byte-pattern; exact for "any", which is all that is asked.
constexpr std::uint64_t kEveryByte = 0x0101010101010101ULL;
constexpr std::uint64_t kHighBits = 0x8080808080808080ULL;
constexpr std::uint64_t HasByte(std::uint64_t word, unsigned char byte) {
  const std::uint64_t diff = word ^ (kEveryByte * byte);
  return (diff - kEveryByte) & ~diff & kHighBits;
}

bool IsFormulaStart(char c) {
  return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r';
}

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

std::string CodePointName(char32_t code_point) {
  char name[16];
  std::snprintf(name, sizeof(name), "U+%04X", static_cast<unsigned>(code_point));
  return name;
}

// `text` with each ill-formed UTF-8 sequence replaced by U+FFFD, safe to put into JSON.
std::string ValidUtf8(std::string_view text) {
  if (IsValidUtf8(text)) return std::string(text);
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const Utf8Step step = DecodeUtf8(text.substr(i));
    out.append(step.valid ? text.substr(i, step.length) : kUtf8Replacement);
    i += step.length;
  }
  return out;
}

// Windows-1252 form of text that ValidateCsvOptions accepted (valid UTF-8, all mappable).
std::string ToWindows1252(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const Utf8Step step = DecodeUtf8(text.substr(i));
    const int byte = Windows1252FromCodePoint(step.code_point);
    out.push_back(byte < 0 ? '?' : static_cast<char>(byte));
    i += step.length;
  }
  return out;
}

}  // namespace

CsvWriter::CsvWriter(ByteSink& sink, CsvOptions options)
    : sink_(sink), options_(std::move(options)) {}

CsvWriter::~CsvWriter() = default;

std::uint64_t CsvWriter::file_bytes_written() const {
  return gzip_ ? gzip_->bytes_out() : bytes_written();
}

Status CsvWriter::Begin(std::span<const rows::Column> columns) {
  if (state_ != State::kNew) return StateError("Begin");
  if (Status valid = ValidateCsvOptions(options_, "csv"); !valid.ok()) {
    return Fail(std::move(valid).error());
  }
  // ValidateCsvOptions compiled these already.
  date_format_.emplace(
      DateTimeFormat::Compile(options_.date_format, DateTimeFormat::Kind::kDate).value());
  time_format_.emplace(
      DateTimeFormat::Compile(options_.time_format, DateTimeFormat::Kind::kTime).value());
  timestamp_format_.emplace(
      DateTimeFormat::Compile(options_.timestamp_format, DateTimeFormat::Kind::kTimestamp).value());

  byte_class_.fill(0);
  for (int byte = 0x80; byte < 0x100; ++byte) byte_class_[byte] = kHigh;
  byte_class_[static_cast<unsigned char>(options_.delimiter)] = kSpecial;
  byte_class_[static_cast<unsigned char>(options_.quote)] = kSpecial | kQuoteChar;
  byte_class_['\r'] = kSpecial;
  byte_class_['\n'] = kSpecial;
  const auto plain = [this](const DateTimeFormat& format) {
    return Classes(format.literal_bytes()) == 0;
  };
  plain_formats_ = {plain(*date_format_), plain(*time_format_), plain(*timestamp_format_)};

  null_field_ = options_.encoding == CsvEncoding::kWindows1252 ? ToWindows1252(options_.null_text)
                                                               : options_.null_text;
  columns_.clear();
  columns_.reserve(columns.size());
  for (const rows::Column& column : columns) {
    Render render = Render::kText;
    switch (column.type) {
      case rows::ColumnType::kText:
        render = Render::kText;
        break;
      case rows::ColumnType::kInteger:
      case rows::ColumnType::kBoolean:
      case rows::ColumnType::kBytes:
        render = Render::kAsIs;
        break;
      case rows::ColumnType::kNumber:
        render = options_.decimal_separator == '.' ? Render::kAsIs : Render::kNumber;
        break;
      case rows::ColumnType::kDate:
        render = Render::kDate;
        break;
      case rows::ColumnType::kTime:
        render = Render::kTime;
        break;
      case rows::ColumnType::kTimestamp:
        render = Render::kTimestamp;
        break;
    }
    columns_.push_back({column.name, render});
  }

  if (options_.gzip) {
    auto gzip = GzipSink::Open(sink_, kGzipLevel);
    if (!gzip.ok()) return Fail(std::move(gzip).error());
    gzip_ = std::move(gzip).value();
    out_ = gzip_.get();
  } else {
    out_ = &sink_;
  }
  buffer_.resize(kChunk + kChunk / 4);
  used_ = 0;
  state_ = State::kWriting;

  if (options_.encoding == CsvEncoding::kUtf8Bom) Put(kBom);
  if (options_.header) {
    in_header_ = true;
    for (std::size_t i = 0; i < columns_.size(); ++i) {
      if (i != 0) Put(std::string_view(&options_.delimiter, 1));
      if (!WriteField(columns_[i].name, false, i)) return failure_;
    }
    in_header_ = false;
    Put(options_.line_ending);
  }
  if (used_ >= kChunk) return FlushBuffer();
  return Ok();
}

Status CsvWriter::Row(std::span<const rows::Cell> cells) {
  if (state_ != State::kWriting) return StateError("Row");
  if (cells.size() != columns_.size()) {
    return Error::Internal("CSV writer: row " + std::to_string(rows_ + 1) + " has " +
                           std::to_string(cells.size()) + " cells for " +
                           std::to_string(columns_.size()) + " columns");
  }
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i != 0) {
      *Reserve(1) = options_.delimiter;
      ++used_;
    }
    if (!WriteCell(cells[i], i)) return failure_;
  }
  Put(options_.line_ending);
  ++rows_;
  if (used_ >= kChunk) return FlushBuffer();
  return Ok();
}

bool CsvWriter::WriteCell(const rows::Cell& cell, std::size_t column) {
  if (cell.is_null) {
    Put(null_field_);
    return true;
  }
  const std::string_view text = cell.text;
  const DateTimeFormat* format = nullptr;
  bool plain = false;
  switch (columns_[column].render) {
    case Render::kText:
      return WriteField(text, true, column);
    case Render::kAsIs:
      return WriteField(text, false, column);
    case Render::kNumber:
      if (text.find('.') == std::string_view::npos) return WriteField(text, false, column);
      rendered_.assign(text);
      std::replace(rendered_.begin(), rendered_.end(), '.', options_.decimal_separator);
      return WriteField(rendered_, false, column);
    case Render::kDate:
      format = &*date_format_;
      plain = plain_formats_[0];
      break;
    case Render::kTime:
      format = &*time_format_;
      plain = plain_formats_[1];
      break;
    case Render::kTimestamp:
      format = &*timestamp_format_;
      plain = plain_formats_[2];
      break;
  }
  // Rendered straight into the buffer: a rendering is digits and the format's literals, so
  // when those need no quoting (plain_formats_) only spaces at the ends and a clash with the
  // NULL text can call for it; those go the general way.
  char* out = Reserve(format->MaxRenderedSize(text.size()));
  const std::size_t written = format->RenderTo(text, out);
  if (written == DateTimeFormat::kNotCanonical) {
    return WriteField(text, true, column);  // not canonical: written (and guarded) as text
  }
  const std::string_view rendering(out, written);
  if (plain && written != 0 && !IsSpace(rendering.front()) && !IsSpace(rendering.back()) &&
      rendering != null_field_) {
    used_ += written;
    return true;
  }
  rendered_.assign(rendering);
  return WriteField(rendered_, false, column);
}

std::uint8_t CsvWriter::Classes(std::string_view value) const {
  // Most bytes of most fields are plain ASCII: a word without a special or high byte is
  // skipped whole; only words holding one are looked up byte by byte. A field that does not
  // fill a word (most numbers, dates, codes) is tested as one word built from overlapping
  // loads, and so is the tail of a longer one: the test asks whether any byte matches, which
  // repeated bytes (and the zero bytes a short field is padded with) cannot change.
  const auto delimiter = static_cast<unsigned char>(options_.delimiter);
  const auto quote = static_cast<unsigned char>(options_.quote);
  const auto needs_look = [delimiter, quote](std::uint64_t word) {
    return ((word & kHighBits) | HasByte(word, delimiter) | HasByte(word, quote) |
            HasByte(word, '\n') | HasByte(word, '\r')) != 0;
  };
  const std::size_t size = value.size();
  const char* const data = value.data();
  std::uint64_t word = 0;
  if (size < 8) {
    if (size >= 4) {
      std::uint32_t head = 0;
      std::uint32_t tail = 0;
      std::memcpy(&head, data, 4);
      std::memcpy(&tail, data + size - 4, 4);
      word = head | (std::uint64_t{tail} << 32);
    } else if (size != 0) {
      word = static_cast<unsigned char>(data[0]) |
             (std::uint64_t{static_cast<unsigned char>(data[size / 2])} << 8) |
             (std::uint64_t{static_cast<unsigned char>(data[size - 1])} << 16);
    }
    if (!needs_look(word)) return 0;
    std::uint8_t classes = 0;
    for (const char c : value) classes |= byte_class_[static_cast<unsigned char>(c)];
    return classes;
  }
  const auto look_up = [this, data](std::size_t from) {
    std::uint8_t classes = 0;
    for (std::size_t j = from; j < from + 8; ++j) {
      classes |= byte_class_[static_cast<unsigned char>(data[j])];
    }
    return classes;
  };
  std::uint8_t classes = 0;
  for (std::size_t i = 0; i + 8 <= size; i += 8) {
    std::memcpy(&word, data + i, 8);
    if (needs_look(word)) classes |= look_up(i);
  }
  if (size % 8 != 0) {
    std::memcpy(&word, data + size - 8, 8);  // the tail, overlapping the last whole word
    if (needs_look(word)) classes |= look_up(size - 8);
  }
  return classes;
}

bool CsvWriter::WriteField(std::string_view value, bool guard, std::size_t column) {
  std::uint8_t classes = Classes(value);
  std::string_view content = value;
  if ((classes & kHigh) != 0) {
    if (!Encode(value, column, content)) return false;
    if (content.data() != value.data()) {
      // Replacement characters ('?' may be the delimiter or quote) need a new look.
      classes = Classes(content);
    }
  }
  guard = guard && options_.formula_guard && !content.empty() && IsFormulaStart(content.front());
  const char quote_char = options_.quote;
  // With ' as the quote character the guard itself must be quoted (and doubled).
  bool quote = (classes & kSpecial) != 0 || (guard && quote_char == '\'');
  if (!quote) {
    if (content.empty()) {
      quote = null_field_.empty();
    } else {
      quote = (!guard && IsSpace(content.front())) || IsSpace(content.back());
    }
    // A value must not read as NULL.
    if (!quote && null_field_.size() == content.size() + (guard ? 1 : 0)) {
      quote = guard ? (null_field_.front() == '\'' &&
                       null_field_.compare(1, content.size(), content) == 0)
                    : null_field_ == content;
    }
  }
  char* out = Reserve(content.size() * 2 + 4);
  if (quote) *out++ = quote_char;
  if (guard) {
    *out++ = '\'';
    if (quote_char == '\'') *out++ = '\'';
  }
  if ((classes & kQuoteChar) != 0) {
    std::size_t from = 0;
    while (from < content.size()) {
      const void* found = std::memchr(content.data() + from, quote_char, content.size() - from);
      const std::size_t to =
          found == nullptr
              ? content.size()
              : static_cast<std::size_t>(static_cast<const char*>(found) - content.data()) + 1;
      std::memcpy(out, content.data() + from, to - from);
      out += to - from;
      if (found != nullptr) *out++ = quote_char;
      from = to;
    }
  } else if (!content.empty()) {
    std::memcpy(out, content.data(), content.size());
    out += content.size();
  }
  if (quote) *out++ = quote_char;
  used_ = static_cast<std::size_t>(out - buffer_.data());
  return true;
}

bool CsvWriter::Encode(std::string_view value, std::size_t column, std::string_view& encoded) {
  const bool windows_1252 = options_.encoding == CsvEncoding::kWindows1252;
  const bool fail = options_.on_unmappable == OnUnmappable::kFail;
  if (!windows_1252 && IsValidUtf8(value)) {
    encoded = value;
    return true;
  }
  encoded_.clear();
  for (std::size_t i = 0; i < value.size();) {
    const auto byte = static_cast<unsigned char>(value[i]);
    if (byte < 0x80) {
      encoded_.push_back(static_cast<char>(byte));
      ++i;
      continue;
    }
    const Utf8Step step = DecodeUtf8(value.substr(i));
    if (!step.valid) {
      if (fail) {
        char detail[64];
        std::snprintf(detail, sizeof(detail), "invalid UTF-8 (byte 0x%02X at offset %zu)", byte, i);
        return FailUnmappable(column, detail);
      }
      encoded_.append(windows_1252 ? std::string_view("?") : kUtf8Replacement);
    } else if (windows_1252) {
      const int mapped = Windows1252FromCodePoint(step.code_point);
      if (mapped < 0) {
        if (fail) {
          return FailUnmappable(column, "character " + CodePointName(step.code_point) +
                                            " cannot be written in windows-1252");
        }
        encoded_.push_back('?');
      } else {
        encoded_.push_back(static_cast<char>(mapped));
      }
    } else {
      encoded_.append(value.substr(i, step.length));
    }
    i += step.length;
  }
  encoded = encoded_;
  return true;
}

bool CsvWriter::FailUnmappable(std::size_t column, const std::string& what) {
  const std::string name = ValidUtf8(columns_[column].name);
  const std::uint64_t row = in_header_ ? 0 : rows_ + 1;
  std::string message = in_header_ ? "header" : "row " + std::to_string(row);
  message += ", column ";
  message += nlohmann::json(name).dump();
  message += ": ";
  message += what;
  state_ = State::kFailed;
  failure_ = Error{ErrorCode::kValidation, std::move(message), {{"row", row}, {"column", name}}};
  return false;
}

Result<CsvPosition> CsvWriter::SyncPoint() {
  if (state_ != State::kWriting) return StateError("SyncPoint");
  const std::uint64_t raw = bytes_written();
  if (last_sync_ && last_sync_->raw_offset == raw) return *last_sync_;
  if (!gzip_) {
    last_sync_ = CsvPosition{rows_, raw, raw};
    return *last_sync_;
  }
  if (Status flushed = FlushBuffer(); !flushed.ok()) return std::move(flushed).error();
  if (Status flushed = gzip_->FullFlush(); !flushed.ok()) return Fail(std::move(flushed).error());
  last_sync_ = CsvPosition{rows_, raw, gzip_->bytes_out()};
  return *last_sync_;
}

Status CsvWriter::Finish() {
  if (state_ == State::kFinished) return Ok();
  if (state_ != State::kWriting) return StateError("Finish");
  BATUTA_RETURN_IF_ERROR(FlushBuffer());
  Status done = gzip_ ? gzip_->Finish() : sink_.Flush();
  if (!done.ok()) return Fail(std::move(done).error());
  state_ = State::kFinished;
  return Ok();
}

Status CsvWriter::FlushBuffer() {
  if (used_ == 0) return Ok();
  Status written = out_->Write(std::string_view(buffer_.data(), used_));
  if (!written.ok()) return Fail(std::move(written).error());
  handed_on_ += used_;
  used_ = 0;
  return Ok();
}

Error CsvWriter::Fail(Error error) {
  state_ = State::kFailed;
  failure_ = error;
  return error;
}

Error CsvWriter::StateError(std::string_view call) const {
  switch (state_) {
    case State::kFailed:
      return failure_;
    case State::kNew:
      return Error::Internal("CSV writer: " + std::string(call) + " before Begin");
    case State::kWriting:
      return Error::Internal("CSV writer: " + std::string(call) + " after Begin");
    case State::kFinished:
      return Error::Internal("CSV writer: " + std::string(call) + " after Finish");
  }
  return Error::Internal("CSV writer: bad state");
}

void CsvWriter::Grow(std::size_t bytes) {
  buffer_.resize(std::max(buffer_.size() * 2, used_ + bytes));
}

}  // namespace batuta::formats
