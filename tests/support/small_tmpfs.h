#pragma once

#include <filesystem>
#include <string>

namespace batuta::testing {

// A tmpfs mounted at `at` for the lifetime of the object, e.g. with options "size=64k", for
// tests of a full disk. Needs root or CAP_SYS_ADMIN (CI runs as root); when the mount is not
// permitted, mounted() is false and the test skips with SkipReason().
class SmallTmpfs {
 public:
  SmallTmpfs(std::filesystem::path at, const char* options);
  ~SmallTmpfs();
  SmallTmpfs(const SmallTmpfs&) = delete;
  SmallTmpfs& operator=(const SmallTmpfs&) = delete;

  bool mounted() const { return mounted_; }
  std::string SkipReason() const;

 private:
  std::filesystem::path at_;
  bool mounted_ = false;
  std::string error_;
};

}  // namespace batuta::testing
