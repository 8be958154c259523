// The cheapest job type a server can run, for the engine benchmarks.
#pragma once

#include <string>
#include <utility>

#include "runs/job_type.h"

namespace batuta::bench {

// Logs one line and succeeds: the cheapest run a server can have.
class TrivialJobType final : public runs::JobType {
 public:
  explicit TrivialJobType(std::string line) : line_(std::move(line)) {}
  std::string_view Name() const override { return "bench.trivial"; }
  std::string_view Description() const override { return "logs one line and succeeds"; }
  Status ValidateConfig(const nlohmann::json&) const override { return Ok(); }
  runs::RunOutcome Run(runs::RunContext& context) const override {
    context.Log("info", line_);
    return runs::RunOutcome::Success();
  }

 private:
  std::string line_;
};

}  // namespace batuta::bench
