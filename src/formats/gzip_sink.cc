#include "formats/gzip_sink.h"

#include <algorithm>
#include <cstddef>

namespace batuta::formats {
namespace {

constexpr std::size_t kOutputBuffer = std::size_t{64} * 1024;
// deflate counts input in uInt; larger writes are fed in pieces.
constexpr std::size_t kMaxPiece = std::size_t{1} << 30U;
// windowBits 15 + 16: a 32 KiB window with a gzip header and trailer instead of zlib's.
constexpr int kGzipWindowBits = 15 + 16;
constexpr int kMemLevel = 8;

}  // namespace

Result<std::unique_ptr<GzipSink>> GzipSink::Open(ByteSink& downstream, int level) {
  std::unique_ptr<GzipSink> sink(new GzipSink(downstream));
  const int rc = deflateInit2(&sink->stream_, level, Z_DEFLATED, kGzipWindowBits, kMemLevel,
                              Z_DEFAULT_STRATEGY);
  if (rc != Z_OK) {
    return Error::Internal("gzip: deflateInit2 failed (" + std::to_string(rc) + ")");
  }
  sink->initialised_ = true;
  return sink;
}

GzipSink::GzipSink(ByteSink& downstream) : downstream_(downstream), out_(kOutputBuffer, '\0') {}

GzipSink::~GzipSink() {
  if (initialised_) deflateEnd(&stream_);
}

Status GzipSink::Write(std::string_view bytes) {
  if (finished_) return Error::Internal("gzip: write after Finish");
  while (!bytes.empty()) {
    const std::size_t piece = std::min(bytes.size(), kMaxPiece);
    // zlib's next_in is not const-qualified but deflate does not write through it.
    stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
    stream_.avail_in = static_cast<uInt>(piece);
    BATUTA_RETURN_IF_ERROR(Deflate(Z_NO_FLUSH));
    bytes_in_ += piece;
    bytes.remove_prefix(piece);
  }
  return Ok();
}

Status GzipSink::Flush() {
  if (finished_) return Error::Internal("gzip: flush after Finish");
  BATUTA_RETURN_IF_ERROR(Deflate(Z_SYNC_FLUSH));
  BATUTA_RETURN_IF_ERROR(HandOn());
  return downstream_.Flush();
}

Status GzipSink::FullFlush() {
  if (finished_) return Error::Internal("gzip: flush after Finish");
  return Deflate(Z_FULL_FLUSH);
}

Status GzipSink::Finish() {
  if (finished_) return Ok();
  BATUTA_RETURN_IF_ERROR(Deflate(Z_FINISH));
  finished_ = true;
  BATUTA_RETURN_IF_ERROR(HandOn());
  return downstream_.Flush();
}

Status GzipSink::Deflate(int flush) {
  for (;;) {
    if (out_used_ == out_.size()) BATUTA_RETURN_IF_ERROR(HandOn());
    const std::size_t room = out_.size() - out_used_;
    stream_.next_out = reinterpret_cast<Bytef*>(out_.data() + out_used_);
    stream_.avail_out = static_cast<uInt>(room);
    const int rc = deflate(&stream_, flush);
    const std::size_t produced = room - stream_.avail_out;
    out_used_ += produced;
    bytes_out_ += produced;
    if (rc == Z_STREAM_ERROR) return Error::Internal("gzip: deflate failed (stream error)");
    // No progress was possible: a flush repeated without new input, already complete.
    if (rc == Z_BUF_ERROR) return Ok();
    if (flush == Z_FINISH) {
      if (rc == Z_STREAM_END) return Ok();
      continue;
    }
    // Output space left over means deflate consumed all input and completed the flush.
    if (stream_.avail_in == 0 && stream_.avail_out != 0) return Ok();
  }
}

Status GzipSink::HandOn() {
  if (out_used_ == 0) return Ok();
  const std::size_t used = out_used_;
  out_used_ = 0;
  return downstream_.Write(std::string_view(out_.data(), used));
}

}  // namespace batuta::formats
