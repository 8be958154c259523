#pragma once

#include <cstdint>
#include <string>

namespace batuta::sources::testing {

// `value` as `size` big-endian bytes, as PostgreSQL sends integers on the wire.
inline std::string BigEndian(std::uint64_t value, int size) {
  std::string bytes(static_cast<std::size_t>(size), '\0');
  for (int i = size - 1; i >= 0; --i) {
    bytes[static_cast<std::size_t>(i)] = static_cast<char>(value & 0xFF);
    value >>= 8;
  }
  return bytes;
}

}  // namespace batuta::sources::testing
