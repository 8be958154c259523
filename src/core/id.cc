#include "core/id.h"

#include <sys/random.h>

#include <array>
#include <cstdint>
#include <stdexcept>

namespace batuta {
namespace {

void FillRandom(unsigned char* out, std::size_t n) {
  std::size_t done = 0;
  while (done < n) {
    const ssize_t got = getrandom(out + done, n - done, 0);
    if (got < 0) throw std::runtime_error("getrandom failed");  // only before the pool is seeded
    done += static_cast<std::size_t>(got);
  }
}

constexpr char kCrockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

}  // namespace

std::string IdGenerator::Next() const {
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_.Now().time_since_epoch())
          .count();
  std::array<unsigned char, 16> bytes{};
  const auto t = static_cast<std::uint64_t>(ms);
  for (int i = 0; i < 6; ++i) bytes[i] = static_cast<unsigned char>(t >> (8 * (5 - i)));
  FillRandom(bytes.data() + 6, 10);

  // 128 bits -> 26 base32 digits, most significant first; the first digit carries 3 bits
  // (as if the number had two leading zero bits to make 130).
  std::string out(26, '0');
  for (int digit = 0; digit < 26; ++digit) {
    unsigned value = 0;
    for (int k = 0; k < 5; ++k) {
      const int bit = digit * 5 + k - 2;  // index into the 128 bits, big-endian
      unsigned b = 0;
      if (bit >= 0) b = (bytes[static_cast<std::size_t>(bit / 8)] >> (7 - bit % 8)) & 1u;
      value = (value << 1) | b;
    }
    out[static_cast<std::size_t>(digit)] = kCrockford[value];
  }
  return out;
}

std::string RandomHex(std::size_t n_bytes) {
  std::string raw(n_bytes, '\0');
  FillRandom(reinterpret_cast<unsigned char*>(raw.data()), n_bytes);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * n_bytes);
  for (unsigned char c : raw) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

}  // namespace batuta
