#include "sources/postgres_copy.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>

namespace batuta::sources {
namespace {

// "PGCOPY\n\377\r\n\0", then 32-bit flags and the length of a header extension.
constexpr std::string_view kSignature("PGCOPY\n\377\r\n\0", 11);
constexpr std::size_t kHeaderFixedSize = 11 + 4 + 4;
constexpr std::uint32_t kFlagWithOids = 1U << 16;

std::uint32_t ReadUint32(std::string_view bytes) {
  return (std::uint32_t{static_cast<unsigned char>(bytes[0])} << 24) |
         (std::uint32_t{static_cast<unsigned char>(bytes[1])} << 16) |
         (std::uint32_t{static_cast<unsigned char>(bytes[2])} << 8) |
         std::uint32_t{static_cast<unsigned char>(bytes[3])};
}

std::int16_t ReadInt16(std::string_view bytes) {
  return static_cast<std::int16_t>((static_cast<unsigned char>(bytes[0]) << 8) |
                                   static_cast<unsigned char>(bytes[1]));
}

Error Malformed(std::string_view what) {
  return Error::Unavailable("PostgreSQL: the binary COPY stream is malformed (" +
                            std::string(what) + ")");
}

}  // namespace

std::optional<std::string> PostgresCopyReader::Unreadable(const PGresult* description) {
  if (PQnfields(description) == 0) return "the statement returns no columns";
  const std::vector<PostgresColumn> columns = DescribePostgresColumns(description);
  for (std::size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].binary != BinaryFormat::kNone) continue;
    return "column " + std::to_string(i + 1) + " (" + columns[i].column.name + ") is " +
           columns[i].column.source_type + ", which has no exact binary rendering";
  }
  return std::nullopt;
}

Status PostgresCopyReader::Begin(const PGresult* description) {
  std::vector<rows::Column> columns;
  for (PostgresColumn& described : DescribePostgresColumns(description)) {
    columns.push_back(std::move(described.column));
    formats_.push_back(described.binary);
  }
  cells_.resize(columns.size());
  fields_.resize(columns.size());
  date_memos_.resize(columns.size());
  rendered_.resize(256);
  return sink_.Begin(columns);
}

Status PostgresCopyReader::Feed(std::string_view bytes) {
  if (pending_.empty()) {
    Result<std::size_t> used = ParseAll(bytes);
    if (!used.ok()) return std::move(used).error();
    pending_.assign(bytes.substr(*used));
    return Ok();
  }
  pending_.append(bytes);
  Result<std::size_t> used = ParseAll(pending_);
  if (!used.ok()) return std::move(used).error();
  pending_.erase(0, *used);
  return Ok();
}

Result<std::size_t> PostgresCopyReader::ParseAll(std::string_view bytes) {
  std::size_t used = 0;
  while (used < bytes.size()) {
    Result<std::size_t> step = ParseOne(bytes.substr(used));
    if (!step.ok()) return std::move(step).error();
    if (*step == 0) break;
    used += *step;
  }
  return used;
}

Status PostgresCopyReader::Finish() const {
  if (!finished_ || !pending_.empty()) return Malformed("it ended before its trailer");
  return Ok();
}

Result<std::size_t> PostgresCopyReader::ParseOne(std::string_view bytes) {
  if (finished_) return Malformed("data after the trailer");
  return header_read_ ? ParseRow(bytes) : ParseHeader(bytes);
}

Result<std::size_t> PostgresCopyReader::ParseHeader(std::string_view bytes) {
  if (bytes.size() < kHeaderFixedSize) {
    if (!kSignature.starts_with(bytes.substr(0, kSignature.size()))) {
      return Malformed("no PGCOPY signature");
    }
    return 0;
  }
  if (!bytes.starts_with(kSignature)) return Malformed("no PGCOPY signature");
  if ((ReadUint32(bytes.substr(11)) & kFlagWithOids) != 0) return Malformed("row OIDs");
  const std::uint32_t extension = ReadUint32(bytes.substr(15));
  if (bytes.size() - kHeaderFixedSize < extension) return 0;
  header_read_ = true;
  return kHeaderFixedSize + extension;
}

Result<std::size_t> PostgresCopyReader::ParseRow(std::string_view bytes) {
  if (bytes.size() < 2) return 0;
  const std::int16_t field_count = ReadInt16(bytes);
  if (field_count == -1) {
    finished_ = true;
    return 2;
  }
  if (field_count < 0 || static_cast<std::size_t>(field_count) != formats_.size()) {
    return Malformed("a row of " + std::to_string(field_count) + " fields, " +
                     std::to_string(formats_.size()) + " described");
  }
  // The whole row must be here (a row cut by the end of `bytes` is parsed again, from its
  // start, when the rest arrives), and the room its renderings need is known, before any
  // value is rendered.
  std::size_t position = 2;
  std::size_t room = 0;
  for (std::size_t i = 0; i < formats_.size(); ++i) {
    if (bytes.size() - position < 4) return 0;
    const auto length = static_cast<std::int32_t>(ReadUint32(bytes.substr(position)));
    position += 4;
    if (length < -1) return Malformed("a negative field length");
    if (length == -1) {
      fields_[i] = {};
      continue;
    }
    const auto size = static_cast<std::size_t>(length);
    if (bytes.size() - position < size) return 0;
    fields_[i] = bytes.substr(position, size);
    position += size;
    if (HasFixedRenderedSize(formats_[i])) {
      room += kMaxFixedRenderedSize;
    } else if (formats_[i] != BinaryFormat::kText) {
      room += MaxRenderedSize(formats_[i], fields_[i]);
    }
  }
  if (rendered_.size() < room) rendered_.resize(std::max(room, 2 * rendered_.size()));
  char* cursor = rendered_.data();
  for (std::size_t i = 0; i < formats_.size(); ++i) {
    const std::string_view value = fields_[i];
    if (value.data() == nullptr) {
      cells_[i] = rows::Cell::Null();
    } else if (formats_[i] == BinaryFormat::kText) {
      cells_[i] = rows::Cell::Of(value);
    } else {
      char* const end = RenderBinaryInto(formats_[i], value, cursor, &date_memos_[i]);
      if (end == nullptr) {
        return Malformed("column " + std::to_string(i + 1) + " holds an invalid value");
      }
      cells_[i] = rows::Cell::Of({cursor, static_cast<std::size_t>(end - cursor)});
      cursor = end;
    }
  }
  Status status = sink_.Row(cells_);
  if (!status.ok()) return std::move(status).error();
  ReportPostgresProgress(request_, ++delivered_);
  return position;
}

}  // namespace batuta::sources
