#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "logs/pattern_matcher.h"

namespace batuta::logs {

// Registered secret values, masked out of log lines before they are stored or sent.
//
// Secrets are global (connection passwords, API tokens: masked in every run's lines) or belong
// to one run (a token a run fetched for itself: masked in that run's lines only, forgotten
// with ForgetRun). Every registered secret is also masked in the encoded forms SecretForms
// lists (base64, base64url, percent-encoding, JSON escaping).
//
// Secrets shorter than kMinSecretLength bytes are ignored: masking "ab" or "123" would turn
// ordinary words and numbers of every line into "****", making logs unreadable, and the
// pattern of masks would itself reveal the value; a value that short cannot be protected by
// masking anyway.
//
// Thread-safe. Registering rebuilds a matcher (rare: when a connection or run starts); Mask,
// the hot path of every log line, shares an immutable matcher under a reader lock and costs
// one pass over the line, and a plain copy when there are no secrets or nothing matches.
class SecretMasker {
 public:
  static constexpr std::size_t kMinSecretLength = 4;
  static constexpr std::string_view kMask = "****";

  SecretMasker();

  // Masks `secret` in every run's lines. Returns false (registering nothing) when it is
  // shorter than kMinSecretLength.
  bool Register(std::string_view secret);
  // Masks `secret` in the lines of `run_id` only (an empty run_id: as Register).
  bool RegisterForRun(std::string_view run_id, std::string_view secret);
  // Drops the secrets of `run_id`; call when the run has ended.
  void ForgetRun(std::string_view run_id);

  // `line` with every occurrence of a global secret (in any of its forms) replaced by kMask.
  // Overlapping occurrences, of one secret or of several, become a single kMask, so no byte
  // of any secret is left visible.
  std::string Mask(std::string_view line) const;
  // As Mask(line), with the secrets of `run_id` as well.
  std::string Mask(std::string_view run_id, std::string_view line) const;
  // `value` with every string in it (object keys left alone) masked as Mask(run_id, ...).
  nlohmann::json MaskJson(std::string_view run_id, const nlohmann::json& value) const;

 private:
  struct RunSecrets {
    std::vector<std::string> secrets;
    std::shared_ptr<const PatternMatcher> matcher;  // global and this run's secrets
  };

  std::shared_ptr<const PatternMatcher> MatcherFor(std::string_view run_id) const;
  std::shared_ptr<const PatternMatcher> BuildLocked(
      const std::vector<std::string>& run_secrets) const;
  static std::string Apply(const PatternMatcher& matcher, std::string_view line);

  mutable std::shared_mutex mutex_;
  std::vector<std::string> global_;                         // guarded by mutex_
  std::shared_ptr<const PatternMatcher> global_matcher_;    // guarded by mutex_
  std::map<std::string, RunSecrets, std::less<>> per_run_;  // guarded by mutex_
};

}  // namespace batuta::logs
