#include "app/spdlog_run_log_writer.h"

#include <spdlog/spdlog.h>

namespace batuta::app {

void SpdlogRunLogWriter::Begin(std::string_view run_id, std::int64_t after_seq) {
  spdlog::debug("run {}: log begins after line {}", run_id, after_seq);
}

void SpdlogRunLogWriter::Write(std::string_view run_id, std::string_view level,
                               std::string_view message) {
  spdlog::debug("run {} [{}] {}", run_id, level, Masked(run_id, message));
}

void SpdlogRunLogWriter::RegisterSecret(std::string_view run_id, std::string_view secret) {
  if (secret.empty()) return;
  const std::lock_guard lock(mutex_);
  auto it = secrets_.find(run_id);
  if (it == secrets_.end())
    it = secrets_.emplace(std::string(run_id), std::vector<std::string>{}).first;
  it->second.emplace_back(secret);
}

void SpdlogRunLogWriter::Publish(std::string_view run_id, const nlohmann::json& event) {
  spdlog::debug("run {} event {}", run_id, Masked(run_id, event.dump()));
}

void SpdlogRunLogWriter::End(std::string_view run_id, const nlohmann::json& final_event) {
  spdlog::debug("run {} ended: {}", run_id, Masked(run_id, final_event.dump()));
  const std::lock_guard lock(mutex_);
  if (const auto it = secrets_.find(run_id); it != secrets_.end()) secrets_.erase(it);
}

std::string SpdlogRunLogWriter::Masked(std::string_view run_id, std::string_view text) const {
  std::string masked(text);
  const std::lock_guard lock(mutex_);
  const auto it = secrets_.find(run_id);
  if (it == secrets_.end()) return masked;
  for (const auto& secret : it->second) {
    for (auto at = masked.find(secret); at != std::string::npos; at = masked.find(secret, at + 4)) {
      masked.replace(at, secret.size(), "****");
    }
  }
  return masked;
}

}  // namespace batuta::app
