#include "small_tmpfs.h"

#include <sys/mount.h>

#include <cerrno>
#include <cstring>

namespace batuta::testing {

SmallTmpfs::SmallTmpfs(std::filesystem::path at, const char* options) : at_(std::move(at)) {
  std::filesystem::create_directories(at_);
  if (::mount("tmpfs", at_.c_str(), "tmpfs", MS_NOSUID | MS_NODEV, options) == 0) {
    mounted_ = true;
  } else {
    error_ = std::strerror(errno);
  }
}

SmallTmpfs::~SmallTmpfs() {
  if (mounted_) ::umount2(at_.c_str(), MNT_DETACH);
}

std::string SmallTmpfs::SkipReason() const {
  return "cannot mount a tmpfs at " + at_.string() + " (" + error_ +
         "): this test needs root or CAP_SYS_ADMIN";
}

}  // namespace batuta::testing
