#pragma once

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "runs/run_log_writer.h"

namespace batuta::app {

// A stand-in RunLogWriter until the live log hub (logs/) is wired in: forwards every run log
// line and event to spdlog at debug level and stores nothing, so GET /api/v1/runs/{id}/logs
// stays empty while it is in use. Secrets registered by runners are masked in what it logs.
// Thread-safe.
class SpdlogRunLogWriter final : public runs::RunLogWriter {
 public:
  void Begin(std::string_view run_id, std::int64_t after_seq) override;
  void Write(std::string_view run_id, std::string_view level, std::string_view message) override;
  void RegisterSecret(std::string_view run_id, std::string_view secret) override;
  void Publish(std::string_view run_id, const nlohmann::json& event) override;
  void End(std::string_view run_id, const nlohmann::json& final_event) override;

 private:
  std::string Masked(std::string_view run_id, std::string_view text) const;

  mutable std::mutex mutex_;
  // Registered secrets of runs that have not ended; guarded by mutex_.
  std::map<std::string, std::vector<std::string>, std::less<>> secrets_;
};

}  // namespace batuta::app
