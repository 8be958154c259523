#pragma once

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace batuta::runs {

// A parameter a job declares; a run supplies values for them (run_parameters.h).
struct ParameterSpec {
  enum class Type { kString, kInteger, kNumber, kBoolean, kDate };
  std::string name;
  Type type = Type::kString;
  std::optional<nlohmann::json> default_value;  // of `type`; used when the run gives none
  bool required = false;                        // a run must give a value (no default)
  std::string description;
};

std::string_view ParameterTypeName(ParameterSpec::Type type);

// Retries after failed or timed-out attempts. The wait before attempt n+1 is
// min(max_backoff, initial_backoff * multiplier^(n-1)), then jittered (backoff.h).
struct RetryPolicy {
  int count = 0;  // retries after the first attempt; 0 = none
  std::chrono::milliseconds initial_backoff{30'000};
  double multiplier = 2.0;
  std::chrono::milliseconds max_backoff{3'600'000};
  bool jitter = true;
};

// What happens when a run is due while other runs of the same job are active.
enum class OverlapPolicy {
  kSkip,   // a scheduled fire is skipped while a run is queued or running
  kQueue,  // runs wait; one runs at a time
  kAllow,  // up to max_concurrent run at once
};

struct JobPolicies {
  std::chrono::milliseconds timeout{3'600'000};  // 0: none
  RetryPolicy retries;
  OverlapPolicy overlap = OverlapPolicy::kQueue;
  int max_concurrent = 1;  // kAllow only; kSkip and kQueue run one at a time
  // Outcomes that notify (used by notifications): "failure", "success", "timeout", "retry".
  std::vector<std::string> notify_on{"failure", "timeout"};
};

// The versioned definition of a job, parsed from and written back to the JSON the API
// accepts and the store keeps (JobRecord::definition). `config` is validated by the runner
// of `type` (runner.h), not here.
struct JobSpec {
  std::string name;
  std::string description;
  std::vector<std::string> tags;
  std::string type;
  nlohmann::json config = nlohmann::json::object();
  std::vector<ParameterSpec> parameters;
  JobPolicies policies;
};

// Parses and validates a job definition. Errors are kValidation naming the field by its path
// ("name", "policies.retries.count", "parameters[1].type") with the problem. Unknown
// top-level fields are refused so a misspelt policy is not silently ignored.
Result<JobSpec> ParseJobSpec(const nlohmann::json& definition);

// The canonical JSON of a spec: every field, defaults included. ParseJobSpec(ToJson(s)) == s.
nlohmann::json ToJson(const JobSpec& spec);

// The concurrency limit runs of this job are queued with (RunRecord::max_concurrent).
int MaxConcurrent(const JobPolicies& policies);

}  // namespace batuta::runs
