#include "storage/stale_temporaries.h"

#include <system_error>

#include "storage/local_storage.h"

namespace batuta::storage {
namespace {

namespace fs = std::filesystem;

std::string Problem(const fs::path& root, const fs::path& path, const std::error_code& error) {
  return path.lexically_relative(root).string() + ": " + error.message();
}

}  // namespace

SweepOutcome RemoveStaleTemporaries(const fs::path& root, std::chrono::seconds older_than,
                                    TimePoint now) {
  SweepOutcome outcome;
  std::error_code error;
  if (!fs::is_directory(fs::status(root, error))) return outcome;  // the root may be a link
  const TimePoint cutoff = now - older_than;
  fs::recursive_directory_iterator walk(root, fs::directory_options::skip_permission_denied, error);
  for (; !error && walk != fs::recursive_directory_iterator(); walk.increment(error)) {
    const fs::directory_entry& entry = *walk;
    if (!entry.path().filename().native().starts_with(kTemporaryPrefix)) continue;
    std::error_code file_error;
    // symlink_status: a link named like a temporary is not a temporary (and is not followed).
    if (!fs::is_regular_file(entry.symlink_status(file_error))) continue;
    const auto changed = entry.last_write_time(file_error);
    if (file_error || fs::file_time_type::clock::to_sys(changed) >= cutoff) continue;
    const std::uintmax_t size = entry.file_size(file_error);
    if (file_error) continue;
    if (fs::remove(entry.path(), file_error)) {
      ++outcome.removed;
      outcome.bytes += size;
    } else if (file_error) {
      outcome.problems.push_back(Problem(root, entry.path(), file_error));
    }
  }
  // A folder that cannot be read ends the walk (the iterator cannot go on past it).
  if (error) outcome.problems.push_back(Problem(root, root, error));
  return outcome;
}

}  // namespace batuta::storage
