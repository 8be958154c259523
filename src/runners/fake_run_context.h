#pragma once

#include <functional>
#include <string>
#include <vector>

#include "runs/job_type.h"

namespace batuta::runners::testing {

// The RunContext a job type sees, without an engine: records log lines and progress.
// Not thread-safe; for job types that report from their Run thread only.
class FakeContext final : public runs::RunContext {
 public:
  FakeContext(const Clock& clock, nlohmann::json config,
              nlohmann::json parameters = nlohmann::json::object())
      : clock_(clock) {
    run_.parameters = std::move(parameters);
    spec_.name = "maintenance";
    spec_.config = std::move(config);
  }
  const RunRecord& run() const override { return run_; }
  const runs::JobSpec& spec() const override { return spec_; }
  const Clock& clock() const override { return clock_; }
  const runs::CancelToken& cancel() const override { return token_; }
  runs::CancelToken& token() { return token_; }
  void Log(std::string_view, std::string_view message) override { lines.emplace_back(message); }
  void ReportProgress(const nlohmann::json& value) override {
    progress.push_back(value);
    if (on_progress) on_progress(value);
  }
  void RegisterSecret(std::string_view value) override { secrets.emplace_back(value); }

  RunRecord& mutable_run() { return run_; }
  runs::JobSpec& mutable_spec() { return spec_; }

  std::vector<std::string> lines;
  std::vector<nlohmann::json> progress;
  std::vector<std::string> secrets;
  std::function<void(const nlohmann::json&)> on_progress;  // called on the Run thread

 private:
  const Clock& clock_;
  RunRecord run_;
  runs::JobSpec spec_;
  runs::CancelToken token_;
};

}  // namespace batuta::runners::testing
