// Fuzz target: the CSV reader on untrusted bytes. Input layout: one byte of options (bits 0-1
// delimiter , ; tab |, bit 2 quote " or ', bit 3 header, bits 4-5 encoding, bits 6-7 mode), the
// rest is the file. Modes: 0-1 plain; 2 the bytes are read as a gzip file; 3 the bytes are
// compressed here with a full flush before every 7th record, then read back as gzip.
// Invariants: no crash or sanitizer report; records cover the stream contiguously and end at
// its end; re-reading a record from its raw_begin gives the same fields; the gzip reading of
// compressed bytes gives the same records as the plain reading, also from each checkpoint.
#include <zlib.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "datasets/csv_reader.h"

namespace {

using batuta::datasets::CsvCheckpoint;
using batuta::datasets::CsvReader;

constexpr std::size_t kMaxRecords = 20'000;

void Check(bool condition) {
  if (!condition) __builtin_trap();
}

struct Read {
  bool ok = true;
  std::vector<std::vector<std::string>> records;
  std::vector<std::uint64_t> begins;
  std::vector<std::uint64_t> ends;
};

std::vector<std::string> Fields(const CsvReader& reader) {
  std::vector<std::string> fields;
  for (const auto& field : reader.record().fields) fields.emplace_back(field.text);
  return fields;
}

Read ReadAll(CsvReader& reader) {
  Read read;
  while (read.records.size() < kMaxRecords) {
    auto more = reader.Next();
    if (!more.ok()) {
      read.ok = false;
      break;
    }
    if (!*more) break;
    Check(reader.record().row == read.records.size());
    Check(!reader.record().fields.empty());
    read.records.push_back(Fields(reader));
    read.begins.push_back(reader.record().raw_begin);
    read.ends.push_back(reader.record().raw_end);
  }
  return read;
}

// Compresses `bytes` as one gzip member with a full flush before the records at `cuts`.
std::string Compress(std::string_view bytes, const std::vector<CsvCheckpoint>& cuts,
                     std::vector<CsvCheckpoint>& checkpoints) {
  std::string out;
  z_stream z{};
  Check(deflateInit2(&z, 1, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) == Z_OK);
  std::array<char, 16384> buffer{};
  std::size_t done = 0;
  auto put = [&](std::size_t end, int flush) {
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data() + done));
    z.avail_in = static_cast<uInt>(end - done);
    do {
      z.next_out = reinterpret_cast<Bytef*>(buffer.data());
      z.avail_out = buffer.size();
      deflate(&z, flush);
      out.append(buffer.data(), buffer.size() - z.avail_out);
    } while (z.avail_out == 0);
    done = end;
  };
  for (const CsvCheckpoint& cut : cuts) {
    put(cut.raw_offset, Z_FULL_FLUSH);
    checkpoints.push_back({cut.row, cut.raw_offset, out.size()});
  }
  put(bytes.size(), Z_FINISH);
  deflateEnd(&z);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  constexpr std::array<char, 4> kDelimiters = {',', ';', '\t', '|'};
  batuta::formats::CsvOptions options;
  options.delimiter = kDelimiters[data[0] & 3];
  options.quote = (data[0] & 4) != 0 ? '\'' : '"';
  options.header = (data[0] & 8) != 0;
  constexpr std::array<batuta::formats::CsvEncoding, 4> kEncodings = {
      batuta::formats::CsvEncoding::kUtf8, batuta::formats::CsvEncoding::kUtf8Bom,
      batuta::formats::CsvEncoding::kWindows1252, batuta::formats::CsvEncoding::kUtf8};
  options.encoding = kEncodings[(data[0] >> 4) & 3];
  const int mode = data[0] >> 6;
  const std::string bytes(reinterpret_cast<const char*>(data + 1), size - 1);

  if (mode == 2) {
    options.gzip = true;
    auto reader = CsvReader::FromBytes(bytes, options);
    ReadAll(*reader);
    return 0;
  }

  auto reader = CsvReader::FromBytes(bytes, options);
  const Read plain = ReadAll(*reader);
  for (std::size_t i = 1; i < plain.records.size(); ++i)
    Check(plain.begins[i] == plain.ends[i - 1]);
  if (plain.ok && !plain.records.empty() && plain.records.size() < kMaxRecords) {
    Check(plain.ends.back() == bytes.size());
  }
  for (std::size_t i = 0; i < plain.records.size(); i += 1 + plain.records.size() / 64) {
    Check(reader->Seek({i, plain.begins[i], plain.begins[i]}).ok());
    auto more = reader->Next();
    Check(more.ok() && *more);
    Check(reader->record().row == i);
    Check(Fields(*reader) == plain.records[i]);
  }
  if (mode != 3 || !plain.ok || plain.records.size() >= kMaxRecords) return 0;

  std::vector<CsvCheckpoint> cuts;
  for (std::size_t i = 0; i < plain.records.size(); i += 7) {
    if (plain.begins[i] > 0) cuts.push_back({i, plain.begins[i], 0});
  }
  std::vector<CsvCheckpoint> checkpoints;
  options.gzip = true;
  auto gzip = CsvReader::FromBytes(Compress(bytes, cuts, checkpoints), options);
  const Read inflated = ReadAll(*gzip);
  Check(inflated.ok);
  Check(inflated.records == plain.records);
  Check(inflated.begins == plain.begins);
  for (const CsvCheckpoint& checkpoint : checkpoints) {
    Check(gzip->Seek(checkpoint).ok());
    auto more = gzip->Next();
    Check(more.ok() && *more);
    Check(Fields(*gzip) == plain.records[checkpoint.row]);
  }
  return 0;
}
