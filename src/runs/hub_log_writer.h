#pragma once

#include "logs/log_hub.h"
#include "logs/secret_masker.h"
#include "runs/run_log_writer.h"

namespace batuta::runs {

// The engine's run log going to the live log hub: lines are masked (global and per-run
// secrets), numbered, stored in batches and streamed to subscribers. The hub and masker must
// outlive the writer. Thread-safe.
class HubLogWriter final : public RunLogWriter {
 public:
  HubLogWriter(logs::LogHub& hub, logs::SecretMasker& masker) : hub_(hub), masker_(masker) {}

  void Begin(std::string_view run_id, std::int64_t after_seq) override;
  void Write(std::string_view run_id, std::string_view level, std::string_view message) override;
  void RegisterSecret(std::string_view run_id, std::string_view secret) override;
  void Publish(std::string_view run_id, const nlohmann::json& event) override;
  void Persist(std::string_view run_id) override;
  void End(std::string_view run_id, const nlohmann::json& final_event) override;

 private:
  logs::LogHub& hub_;
  logs::SecretMasker& masker_;
};

}  // namespace batuta::runs
