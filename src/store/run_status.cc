#include <array>
#include <utility>

#include "store/run_repository.h"

namespace batuta {
namespace {

constexpr std::array<std::pair<RunStatus, std::string_view>, 6> kNames{{
    {RunStatus::kQueued, "queued"},
    {RunStatus::kRunning, "running"},
    {RunStatus::kSucceeded, "succeeded"},
    {RunStatus::kFailed, "failed"},
    {RunStatus::kTimedOut, "timed_out"},
    {RunStatus::kCancelled, "cancelled"},
}};

}  // namespace

std::string_view RunStatusName(RunStatus status) {
  for (const auto& [value, name] : kNames) {
    if (value == status) return name;
  }
  return "unknown";
}

std::optional<RunStatus> ParseRunStatus(std::string_view name) {
  for (const auto& [value, known] : kNames) {
    if (known == name) return value;
  }
  return std::nullopt;
}

bool IsTerminal(RunStatus status) {
  return status != RunStatus::kQueued && status != RunStatus::kRunning;
}

}  // namespace batuta
