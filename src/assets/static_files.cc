#include "assets/static_files.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

#include "assets/embedded_assets.h"

namespace batuta::assets {
namespace {

constexpr std::string_view kNotBuiltPage =
    "<!doctype html><html><head><meta charset=\"utf-8\"><title>batuta</title></head>"
    "<body><h1>batuta</h1><p>The web app was not built into this binary. Run "
    "<code>make run</code>, or start with <code>--web-dir web/dist</code>.</p></body></html>";

bool HasExtension(std::string_view path) {
  const auto slash = path.rfind('/');
  const auto dot = path.rfind('.');
  return dot != std::string_view::npos && (slash == std::string_view::npos || dot > slash);
}

// Cheap validator for files read from disk: size and modification time.
std::string FolderEtag(const std::filesystem::path& file, std::size_t size) {
  std::error_code ec;
  const auto mtime = std::filesystem::last_write_time(file, ec);
  return fmt::format("\"{:x}-{:x}\"", size, ec ? 0 : mtime.time_since_epoch().count());
}

}  // namespace

std::string_view ContentTypeFor(std::string_view path) {
  const auto dot = path.rfind('.');
  const std::string_view ext = dot == std::string_view::npos ? "" : path.substr(dot + 1);
  if (ext == "html") return "text/html; charset=utf-8";
  if (ext == "js" || ext == "mjs") return "text/javascript; charset=utf-8";
  if (ext == "css") return "text/css; charset=utf-8";
  if (ext == "json" || ext == "map") return "application/json";
  if (ext == "webmanifest") return "application/manifest+json";
  if (ext == "svg") return "image/svg+xml";
  if (ext == "png") return "image/png";
  if (ext == "jpg" || ext == "jpeg") return "image/jpeg";
  if (ext == "webp") return "image/webp";
  if (ext == "ico") return "image/x-icon";
  if (ext == "woff2") return "font/woff2";
  if (ext == "woff") return "font/woff";
  if (ext == "txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

bool IsSafeAssetPath(std::string_view path) {
  if (path.empty() || path.front() != '/') return false;
  std::string_view rest = path.substr(1);
  while (true) {
    const auto slash = rest.find('/');
    const auto segment = rest.substr(0, slash);
    if (segment.empty() && slash != std::string_view::npos) return false;
    if (segment == "." || segment == "..") return false;
    for (char c : segment) {
      if (c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
    }
    if (slash == std::string_view::npos) break;
    rest.remove_prefix(slash + 1);
  }
  return true;
}

StaticFiles StaticFiles::Embedded() {
  return StaticFiles([](std::string_view path) -> std::optional<File> {
    for (const auto& asset : EmbeddedAssets()) {
      if (asset.path == path) return File{std::string(asset.data), std::string(asset.etag)};
    }
    return std::nullopt;
  });
}

Result<StaticFiles> StaticFiles::FromFolder(const std::filesystem::path& root) {
  std::error_code ec;
  const auto canonical_root = std::filesystem::canonical(root, ec);
  if (ec || !std::filesystem::is_directory(canonical_root)) {
    return Error::Validation("web-dir", fmt::format("{} is not a folder", root.string()));
  }
  return StaticFiles([canonical_root](std::string_view path) -> std::optional<File> {
    // IsSafeAssetPath was checked by Serve; canonical() also resolves symlinks, which must
    // not lead out of the root either.
    std::error_code error;
    const auto file =
        std::filesystem::canonical(canonical_root / std::string(path.substr(1)), error);
    if (error) return std::nullopt;
    const auto relative = file.lexically_relative(canonical_root);
    if (relative.empty() || *relative.begin() == "..") return std::nullopt;
    if (!std::filesystem::is_regular_file(file, error)) return std::nullopt;
    std::ifstream in(file, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream data;
    data << in.rdbuf();
    std::string bytes = std::move(data).str();
    return File{bytes, FolderEtag(file, bytes.size())};
  });
}

http::Response StaticFiles::Serve(const http::Request& request) const {
  std::string_view path = request.path;
  if (path.starts_with("/api/") || path == "/api") {
    return http::ErrorResponse(Error::NotFound(fmt::format("no route for {}", path)));
  }
  if (!IsSafeAssetPath(path) && path != "/") {
    return http::ErrorResponse(Error::NotFound("no such file"));
  }
  std::optional<File> file;
  std::string_view served_path = path;
  if (path != "/") file = lookup_(path);
  if (!file) {
    if (path != "/" && HasExtension(path)) {
      return http::ErrorResponse(Error::NotFound(fmt::format("no such file: {}", path)));
    }
    // A client-side route: the app's entry page handles it.
    served_path = "/index.html";
    file = lookup_(served_path);
    if (!file)
      return http::Response::Text(200, std::string(kNotBuiltPage), "text/html; charset=utf-8");
  }

  http::Response response;
  const bool immutable = served_path.starts_with("/assets/");
  response.headers.emplace_back("Content-Type", std::string(ContentTypeFor(served_path)));
  response.headers.emplace_back("Cache-Control",
                                immutable ? "public, max-age=31536000, immutable" : "no-cache");
  response.headers.emplace_back("ETag", file->etag);
  if (const auto match = request.Header("If-None-Match"); match && *match == file->etag) {
    response.status = 304;
    return response;
  }
  response.body = std::move(file->data);
  return response;
}

}  // namespace batuta::assets
