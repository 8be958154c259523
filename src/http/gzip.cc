#include "http/gzip.h"

// zlib's next_in is a pointer to const with this defined.
#define ZLIB_CONST
#include <zlib.h>

#include <algorithm>
#include <array>
#include <climits>
#include <utility>

#include "http/accept_encoding.h"
#include "http/entity_tag.h"

namespace batuta::http {
namespace {

// 15 window bits (32 KiB, the maximum) plus 16: a gzip wrapper instead of a zlib one.
constexpr int kGzipWindowBits = 15 + 16;
constexpr int kMemLevel = 8;  // zlib's default: 128 KiB of hash tables
constexpr std::size_t kTargetOutput = std::size_t{32} << 10;
constexpr std::size_t kMaxInputPerPull = std::size_t{256} << 10;

bool InitDeflate(z_stream& stream, int level) {
  stream = z_stream{};
  return deflateInit2(&stream, std::clamp(level, 1, 9), Z_DEFLATED, kGzipWindowBits, kMemLevel,
                      Z_DEFAULT_STRATEGY) == Z_OK;
}

// Feeds all of `input` to deflate, with `final_flush` for its last piece, and appends every
// byte deflate emits to `out`. False on a zlib error.
bool Deflate(z_stream& stream, std::string_view input, int final_flush, std::string& out) {
  constexpr std::size_t kMaxPiece = std::size_t{1} << 30;  // avail_in is 32 bits
  do {
    const std::size_t piece = std::min(input.size(), kMaxPiece);
    stream.next_in = reinterpret_cast<const Bytef*>(input.data());
    stream.avail_in = static_cast<uInt>(piece);
    input.remove_prefix(piece);
    const int flush = input.empty() ? final_flush : Z_NO_FLUSH;
    while (true) {
      const std::size_t used = out.size();
      const std::size_t room = std::max<std::size_t>(std::size_t{16} << 10, stream.avail_in / 4);
      out.resize(used + room);
      stream.next_out = reinterpret_cast<Bytef*>(out.data() + used);
      stream.avail_out = static_cast<uInt>(room);
      const int result = deflate(&stream, flush);
      out.resize(used + room - stream.avail_out);
      if (result == Z_STREAM_ERROR) return false;
      if (flush == Z_FINISH) {
        if (result == Z_STREAM_END) break;
        // Z_OK: more output pending; anything else with room left means no progress.
        if (result != Z_OK && stream.avail_out != 0) return false;
        continue;
      }
      // Without Z_FINISH, deflate is done with the input once it leaves output room unused.
      if (stream.avail_out != 0) break;
    }
  } while (!input.empty());
  return true;
}

class GzipSource final : public BodySource {
 public:
  GzipSource(std::shared_ptr<BodySource> inner, int level)
      : inner_(std::move(inner)), initialized_(InitDeflate(stream_, level)) {}
  ~GzipSource() override {
    if (initialized_) deflateEnd(&stream_);
  }
  // z_stream's internal state points back at it: never copied or moved.
  GzipSource(const GzipSource&) = delete;
  GzipSource& operator=(const GzipSource&) = delete;

  Result<bool> Next(std::string& chunk) override {
    if (!initialized_) return Error::Internal("zlib: deflateInit2 failed");
    if (!inner_) return false;
    const std::size_t start = chunk.size();
    std::size_t consumed = 0;
    while (chunk.size() - start < kTargetOutput && consumed < kMaxInputPerPull) {
      input_.clear();
      auto more = inner_->Next(input_);
      if (!more.ok()) return std::move(more).error();
      const bool last = !*more;
      consumed += input_.size();
      if (!Deflate(stream_, input_, last ? Z_FINISH : Z_NO_FLUSH, chunk)) {
        return Error::Internal("zlib: deflate failed");
      }
      if (last) {
        inner_.reset();
        input_ = std::string();
        return false;
      }
      if (input_.empty()) break;  // the inner source yields, so does this one
    }
    return true;
  }

 private:
  std::shared_ptr<BodySource> inner_;  // null once it has ended
  z_stream stream_{};
  bool initialized_;
  std::string input_;
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool ContainsToken(std::string_view list, std::string_view token) {
  while (!list.empty()) {
    const auto comma = list.find(',');
    if (EqualsIgnoreCase(Trim(list.substr(0, comma)), token)) return true;
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
  }
  return false;
}

bool MayCompress(const Response& response, const GzipOptions& options) {
  if (response.status < 200 || response.status >= 300 || response.status == 204 ||
      response.status == 206) {
    return false;
  }
  if (const auto encoding = response.Header("Content-Encoding");
      encoding && !EqualsIgnoreCase(Trim(*encoding), "identity")) {
    return false;
  }
  if (response.Header("Content-Range")) return false;
  if (const auto ranges = response.Header("Accept-Ranges");
      ranges && !EqualsIgnoreCase(Trim(*ranges), "none")) {
    return false;
  }
  const auto type = response.Header("Content-Type");
  if (!type || !IsCompressibleContentType(*type)) return false;
  if (response.body_source) {
    const auto size = response.body_source->size();
    return !size || *size >= options.min_bytes;
  }
  return response.body.size() >= options.min_bytes;
}

void AddVaryAcceptEncoding(Response& response) {
  for (auto& [name, value] : response.headers) {
    if (!EqualsIgnoreCase(name, "Vary")) continue;
    if (ContainsToken(value, "Accept-Encoding") || ContainsToken(value, "*")) return;
    value += ", Accept-Encoding";
    return;
  }
  response.headers.emplace_back("Vary", "Accept-Encoding");
}

}  // namespace

Result<std::string> GzipCompress(std::string_view data, int level) {
  z_stream stream{};
  if (!InitDeflate(stream, level)) return Error::Internal("zlib: deflateInit2 failed");
  std::string out;
  out.reserve(
      deflateBound(&stream, static_cast<uLong>(std::min<std::size_t>(data.size(), ULONG_MAX))));
  const bool ok = Deflate(stream, data, Z_FINISH, out);
  deflateEnd(&stream);
  if (!ok) return Error::Internal("zlib: deflate failed");
  return out;
}

std::shared_ptr<BodySource> GzipBodySource(std::shared_ptr<BodySource> inner, int level) {
  return std::make_shared<GzipSource>(std::move(inner), level);
}

bool IsCompressibleContentType(std::string_view content_type) {
  std::string type(Trim(content_type.substr(0, content_type.find(';'))));
  for (char& c : type) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  if (type.starts_with("text/")) return true;
  if (type.ends_with("+json") || type.ends_with("+xml")) return true;
  static constexpr std::array<std::string_view, 10> kTypes = {
      "application/json", "application/javascript", "application/ecmascript",
      "application/xml",  "application/x-ndjson",   "application/ndjson",
      "application/csv",  "application/yaml",       "application/x-yaml",
      "image/svg+xml"};
  return std::find(kTypes.begin(), kTypes.end(), type) != kTypes.end();
}

Response GzipIfAccepted(const Request& request, Response response, const GzipOptions& options) {
  if (!MayCompress(response, options)) return response;
  AddVaryAcceptEncoding(response);
  if (!AcceptsGzip(request)) return response;
  if (response.body_source) {
    response.body_source = GzipBodySource(std::move(response.body_source), options.level);
  } else {
    auto compressed = GzipCompress(response.body, options.level);
    if (!compressed.ok() || compressed->size() >= response.body.size()) return response;
    response.body = std::move(compressed).value();
  }
  response.SetHeader("Content-Encoding", "gzip");
  response.RemoveHeader("Content-Length");
  for (auto& [name, value] : response.headers) {
    if (EqualsIgnoreCase(name, "ETag") && !IsWeakEntityTag(value)) value = WeakEntityTag(value);
  }
  return response;
}

}  // namespace batuta::http
