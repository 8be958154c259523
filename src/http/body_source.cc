#include "http/body_source.h"

#include <algorithm>
#include <utility>

namespace batuta::http {
namespace {

class StringSource final : public BodySource {
 public:
  StringSource(std::string data, std::size_t chunk_bytes)
      : data_(std::move(data)), chunk_bytes_(std::max<std::size_t>(1, chunk_bytes)) {}

  Result<bool> Next(std::string& chunk) override {
    const std::size_t n = std::min(chunk_bytes_, data_.size() - offset_);
    chunk.append(data_, offset_, n);
    offset_ += n;
    return offset_ < data_.size();
  }

  std::optional<std::uint64_t> size() const override { return data_.size(); }

 private:
  std::string data_;
  std::size_t chunk_bytes_;
  std::size_t offset_ = 0;
};

}  // namespace

std::shared_ptr<BodySource> StringBodySource(std::string data, std::size_t chunk_bytes) {
  return std::make_shared<StringSource>(std::move(data), chunk_bytes);
}

}  // namespace batuta::http
