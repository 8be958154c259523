#pragma once

#include <string_view>

#include "core/result.h"

namespace batuta {

// A destination for a stream of bytes: a file being written, a compressor in front of one, a
// buffer in tests. Write either takes all of `bytes` or returns why it could not (a full disk
// is kUnavailable naming the file). Not thread-safe unless an implementation says so.
class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual Status Write(std::string_view bytes) = 0;
  // Pushes buffered bytes to the next stage (for a file: to the kernel, not necessarily to disk).
  virtual Status Flush() = 0;
};

}  // namespace batuta
