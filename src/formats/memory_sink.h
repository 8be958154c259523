#pragma once

#include <cstddef>
#include <limits>
#include <string>
#include <string_view>

#include "core/byte_sink.h"

namespace batuta::formats {

// A ByteSink into a std::string, for tests. With a capacity it refuses (kUnavailable, like a
// full disk) a Write that would grow the data beyond it, keeping what fitted before.
class MemorySink final : public ByteSink {
 public:
  MemorySink() = default;
  explicit MemorySink(std::size_t capacity) : capacity_(capacity) {}

  Status Write(std::string_view bytes) override;
  Status Flush() override;

  const std::string& data() const { return data_; }
  std::size_t writes() const { return writes_; }
  std::size_t flushes() const { return flushes_; }

 private:
  std::string data_;
  std::size_t capacity_ = std::numeric_limits<std::size_t>::max();
  std::size_t writes_ = 0;
  std::size_t flushes_ = 0;
};

}  // namespace batuta::formats
