#pragma once

#include <string>

#include "core/clock.h"

namespace batuta {

// Identifiers for stored objects: 26 characters of Crockford base32 holding a 48-bit
// millisecond timestamp followed by 80 random bits (the ULID layout). Ids sort by creation
// time as plain strings, which makes them good cursors for paging, and are unguessable.
// Thread-safe.
class IdGenerator {
 public:
  explicit IdGenerator(const Clock& clock) : clock_(clock) {}
  std::string Next() const;

 private:
  const Clock& clock_;
};

// 2*n hex characters from a cryptographically secure source.
std::string RandomHex(std::size_t n_bytes);

}  // namespace batuta
