#pragma once

#include <zlib.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "core/byte_sink.h"
#include "core/result.h"

namespace batuta::formats {

// A ByteSink that gzip-compresses (RFC 1952, zlib's deflate) into another ByteSink.
//
// Restart points: after FullFlush() returns, decompression can start at byte bytes_out() of the
// output with a raw inflater (zlib: inflateInit2(&z, -15)) and no earlier byte: the deflate
// stream is byte-aligned there and nothing after refers back before it (Z_FULL_FLUSH resets the
// dictionary). Such an inflater produces exactly the bytes written after that FullFlush; it
// returns Z_STREAM_END at the end of the last deflate block, which is followed by the 8-byte gzip
// trailer (CRC-32 and length of the whole stream, which a reader starting mid-way cannot check
// and must ignore). Each FullFlush costs a few bytes and the compression context, so call it
// sparingly (every megabyte or so, not every row).
//
// Output is produced into a 64 KiB buffer and handed to the downstream sink when that is full,
// on Flush and on Finish; bytes_out() counts produced bytes, handed on or not. Not thread-safe.
class GzipSink final : public ByteSink {
 public:
  // `level`: zlib's 1 (fastest) to 9 (smallest), or Z_DEFAULT_COMPRESSION (6). kInternal when
  // zlib cannot be initialised (out of memory, bad level).
  static Result<std::unique_ptr<GzipSink>> Open(ByteSink& downstream,
                                                int level = Z_DEFAULT_COMPRESSION);
  ~GzipSink() override;
  GzipSink(const GzipSink&) = delete;
  GzipSink& operator=(const GzipSink&) = delete;

  Status Write(std::string_view bytes) override;
  // Z_SYNC_FLUSH: everything written so far can be decompressed from the output; hands it
  // downstream and flushes that.
  Status Flush() override;
  // Z_FULL_FLUSH: a restart point at bytes_out() (see above). Hands nothing downstream by itself.
  Status FullFlush();
  // Ends the gzip stream (last block and trailer), hands everything downstream and flushes it.
  // Later calls of Write and the flushes fail; a second Finish does nothing.
  Status Finish();

  std::uint64_t bytes_in() const { return bytes_in_; }
  std::uint64_t bytes_out() const { return bytes_out_; }

 private:
  explicit GzipSink(ByteSink& downstream);
  // Runs deflate with `flush` until it has consumed all input and, for a flush, emitted all
  // output.
  Status Deflate(int flush);
  Status HandOn();

  ByteSink& downstream_;
  z_stream stream_{};
  bool initialised_ = false;
  bool finished_ = false;
  std::string out_;
  std::size_t out_used_ = 0;
  std::uint64_t bytes_in_ = 0;
  std::uint64_t bytes_out_ = 0;
};

}  // namespace batuta::formats
