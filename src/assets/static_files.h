#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "http/request.h"
#include "http/response.h"

namespace batuta::assets {

// Serves the web app: files by path, `index.html` for client-side routes (paths without a
// file extension), and never anything outside the asset root. Hashed files under /assets/
// get a one-year immutable cache; everything else is revalidated with its ETag.
// Thread-safe (immutable after construction).
class StaticFiles {
 public:
  // The copy compiled into the binary.
  static StaticFiles Embedded();
  // Files read from `root` on each request (for developing the web app).
  static Result<StaticFiles> FromFolder(const std::filesystem::path& root);

  http::Response Serve(const http::Request& request) const;

  struct File {
    std::string data;
    std::string etag;
  };

 private:
  using Lookup = std::function<std::optional<File>(std::string_view path)>;
  explicit StaticFiles(Lookup lookup) : lookup_(std::move(lookup)) {}
  Lookup lookup_;
};

// Content-Type for a file name by its extension ("application/octet-stream" if unknown).
std::string_view ContentTypeFor(std::string_view path);

// True when every segment of the absolute `path` is a plain name: no "..", ".", empty
// segment, backslash or control character. Such a path cannot leave the root it is joined to.
bool IsSafeAssetPath(std::string_view path);

}  // namespace batuta::assets
