#pragma once

#include <span>
#include <string_view>

namespace batuta::assets {

// One file of the built web app, compiled into the binary.
struct EmbeddedAsset {
  std::string_view path;  // "/index.html", "/assets/index-3f2a1c.js"
  std::string_view data;
  std::string_view etag;  // quoted strong validator derived from the content
};

// All embedded files, sorted by path; empty when the binary was built without web/dist.
// Generated at build time by cmake/embed_assets.cmake.
std::span<const EmbeddedAsset> EmbeddedAssets();

}  // namespace batuta::assets
