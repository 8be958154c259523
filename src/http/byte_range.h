#pragma once

#include <cstdint>
#include <string_view>

namespace batuta::http {

// What a Range header (RFC 9110 section 14.2) asks of a representation of `size` bytes.
struct ByteRangeRequest {
  enum class Kind {
    kWhole,          // serve the whole representation with 200: no Range, a unit other than
                     // bytes, a malformed value, several ranges, or a suffix of an empty one
    kRange,          // serve bytes [first, last] with 206
    kUnsatisfiable,  // 416 with "Content-Range: bytes */size"
  };
  Kind kind = Kind::kWhole;
  std::uint64_t first = 0;
  std::uint64_t last = 0;  // inclusive

  std::uint64_t length() const { return last - first + 1; }
};

// Evaluates one Range value: "bytes=a-b" (b clamped to the end), "bytes=a-" and "bytes=-n"
// (the last n bytes; all of them when n >= size). A request for several ranges is answered
// with the whole representation: multipart/byteranges is not worth its complexity for
// downloads, and clients that ask for several ranges accept a 200. A range starting at or past
// the end, or "-0", is unsatisfiable. Numbers too large for 64 bits count as "past the end".
ByteRangeRequest EvaluateRange(std::string_view range_header, std::uint64_t size);

}  // namespace batuta::http
