#include "runs/hub_log_writer.h"

#include <spdlog/spdlog.h>

namespace batuta::runs {

void HubLogWriter::Begin(std::string_view run_id, std::int64_t after_seq) {
  // kConflict when the hub numbers the run already (a recovered run this process saw): its
  // numbering then simply continues.
  (void)hub_.Open(run_id, after_seq);
}

void HubLogWriter::Write(std::string_view run_id, std::string_view level,
                         std::string_view message) {
  if (auto written = hub_.Write(run_id, level, message); !written.ok()) {
    spdlog::debug("run {}: log line dropped: {}", run_id, written.error().message);
  }
}

void HubLogWriter::RegisterSecret(std::string_view run_id, std::string_view secret) {
  masker_.RegisterForRun(run_id, secret);
}

void HubLogWriter::Publish(std::string_view run_id, const nlohmann::json& event) {
  hub_.PublishStatus(run_id, event);
}

void HubLogWriter::Persist(std::string_view run_id) {
  // Flushes every run's pending lines: with many runs finishing at once one flush carries
  // them all. A failure leaves the lines queued for the hub's retries.
  if (auto flushed = hub_.Flush(); !flushed.ok()) {
    spdlog::warn("run {}: log lines not stored yet: {}", run_id, flushed.error().message);
  }
}

void HubLogWriter::End(std::string_view run_id, const nlohmann::json& final_event) {
  hub_.Close(run_id, final_event);
  masker_.ForgetRun(run_id);
}

}  // namespace batuta::runs
