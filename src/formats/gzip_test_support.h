#pragma once

#include <zlib.h>

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

namespace batuta::formats::testing {

// What a reader of the file sees, for tests. `window_bits` 15 + 16 reads a whole gzip file; -15
// a raw deflate stream (from a restart point). Stops at the end of the deflate stream and
// reports in `trailing` how many input bytes follow it. Throws on corrupt data.
inline std::string Inflate(std::string_view compressed, int window_bits,
                           std::size_t* trailing = nullptr) {
  z_stream stream{};
  if (inflateInit2(&stream, window_bits) != Z_OK) throw std::runtime_error("inflateInit2");
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data()));
  stream.avail_in = static_cast<uInt>(compressed.size());
  std::string out;
  char buffer[16384];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer);
    stream.avail_out = sizeof(buffer);
    rc = inflate(&stream, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&stream);
      throw std::runtime_error("inflate failed: " + std::to_string(rc));
    }
    out.append(buffer, sizeof(buffer) - stream.avail_out);
  }
  if (trailing != nullptr) *trailing = stream.avail_in;
  inflateEnd(&stream);
  return out;
}

}  // namespace batuta::formats::testing
