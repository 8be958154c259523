#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "core/clock.h"

namespace batuta::storage {

// What a sweep of stale temporary files did.
struct SweepOutcome {
  std::size_t removed = 0;
  std::uintmax_t bytes = 0;
  // One line per file that could not be removed (its path relative to the root and the
  // system's reason), and one for a folder that could not be read, which ends the sweep.
  std::vector<std::string> problems;
};

// Removes, anywhere under `root`, the temporary files of writes that never finished (regular
// files named kTemporaryPrefix*, left by a process killed mid-export or a power cut) whose
// last change is older than `now - older_than`. A write in progress changes its file with
// every 64 KiB, so the age keeps a sweep from taking a live write of another process that
// shares the folder. Symbolic links are neither followed nor removed; nothing else is touched.
// A missing root is an empty sweep.
SweepOutcome RemoveStaleTemporaries(const std::filesystem::path& root,
                                    std::chrono::seconds older_than, TimePoint now);

}  // namespace batuta::storage
