#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.h"
#include "core/result.h"

namespace batuta {

// One line a run wrote. `seq` numbers a run's lines 1, 2, 3 ... with no gaps; it is the SSE
// event id, so a client resumes after the last line it saw.
struct LogLine {
  std::int64_t seq = 0;
  TimePoint at;
  std::string level;    // "debug", "info", "warn", "error"
  std::string message;  // already masked: secrets never reach the store
};

// Stored log lines of runs. Thread-safe. A run's lines are written by the one worker holding
// the run, in seq order.
class RunLogRepository {
 public:
  virtual ~RunLogRepository() = default;

  // Appends lines of one run in one transaction and raises the run's log_lines to the
  // highest seq. A line whose (run, seq) is already stored is ignored, so a batch may be
  // written again after a failure without doubling lines. kNotFound, writing nothing, when
  // the run does not exist; kInvalidArgument for a seq below 1.
  virtual Status Append(std::string_view run_id, const std::vector<LogLine>& lines) = 0;

  // Lines with seq > after_seq, in seq order, at most `limit`.
  virtual Result<std::vector<LogLine>> ListAfter(std::string_view run_id, std::int64_t after_seq,
                                                 int limit) = 0;
};

}  // namespace batuta
