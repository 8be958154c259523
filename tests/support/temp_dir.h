#pragma once

#include <filesystem>

namespace batuta::testing {

// A fresh folder under the system temp dir (TMPDIR), removed with its contents on
// destruction. Throws std::runtime_error if it cannot be created.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace batuta::testing
