#include "formats/memory_sink.h"

namespace batuta::formats {

Status MemorySink::Write(std::string_view bytes) {
  if (bytes.size() > capacity_ - data_.size()) {
    return Error::Unavailable("memory sink: no room for " + std::to_string(bytes.size()) +
                              " more bytes");
  }
  data_.append(bytes);
  ++writes_;
  return Ok();
}

Status MemorySink::Flush() {
  ++flushes_;
  return Ok();
}

}  // namespace batuta::formats
