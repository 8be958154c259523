#include "logs/secret_masker.h"

#include <algorithm>
#include <mutex>

#include "logs/secret_forms.h"

namespace batuta::logs {

SecretMasker::SecretMasker() : global_matcher_(std::make_shared<const PatternMatcher>()) {}

std::shared_ptr<const PatternMatcher> SecretMasker::BuildLocked(
    const std::vector<std::string>& run_secrets) const {
  std::vector<std::string> patterns;
  for (const auto* secrets : {&global_, &run_secrets}) {
    for (const std::string& secret : *secrets) {
      std::vector<std::string> forms = SecretForms(secret);
      patterns.insert(patterns.end(), std::make_move_iterator(forms.begin()),
                      std::make_move_iterator(forms.end()));
    }
  }
  return std::make_shared<const PatternMatcher>(patterns);
}

bool SecretMasker::Register(std::string_view secret) {
  if (secret.size() < kMinSecretLength) return false;
  std::unique_lock lock(mutex_);
  if (std::find(global_.begin(), global_.end(), secret) != global_.end()) return true;
  global_.emplace_back(secret);
  global_matcher_ = BuildLocked({});
  for (auto& [run_id, run] : per_run_) run.matcher = BuildLocked(run.secrets);
  return true;
}

bool SecretMasker::RegisterForRun(std::string_view run_id, std::string_view secret) {
  if (run_id.empty()) return Register(secret);
  if (secret.size() < kMinSecretLength) return false;
  std::unique_lock lock(mutex_);
  auto it = per_run_.find(run_id);
  if (it == per_run_.end()) it = per_run_.emplace(std::string(run_id), RunSecrets{}).first;
  RunSecrets& run = it->second;
  if (std::find(run.secrets.begin(), run.secrets.end(), secret) != run.secrets.end()) return true;
  run.secrets.emplace_back(secret);
  run.matcher = BuildLocked(run.secrets);
  return true;
}

void SecretMasker::ForgetRun(std::string_view run_id) {
  std::unique_lock lock(mutex_);
  const auto it = per_run_.find(run_id);
  if (it != per_run_.end()) per_run_.erase(it);
}

std::shared_ptr<const PatternMatcher> SecretMasker::MatcherFor(std::string_view run_id) const {
  std::shared_lock lock(mutex_);
  if (!run_id.empty()) {
    const auto it = per_run_.find(run_id);
    if (it != per_run_.end()) return it->second.matcher;
  }
  return global_matcher_;
}

std::string SecretMasker::Apply(const PatternMatcher& matcher, std::string_view line) {
  const std::vector<ByteRange> ranges = matcher.Find(line);
  if (ranges.empty()) return std::string(line);
  std::string out;
  out.reserve(line.size());
  std::size_t copied = 0;
  for (const ByteRange& range : ranges) {
    out.append(line.substr(copied, range.begin - copied));
    out.append(kMask);
    copied = range.end;
  }
  out.append(line.substr(copied));
  return out;
}

std::string SecretMasker::Mask(std::string_view line) const { return Mask({}, line); }

std::string SecretMasker::Mask(std::string_view run_id, std::string_view line) const {
  const std::shared_ptr<const PatternMatcher> matcher = MatcherFor(run_id);
  if (matcher->empty()) return std::string(line);
  return Apply(*matcher, line);
}

nlohmann::json SecretMasker::MaskJson(std::string_view run_id, const nlohmann::json& value) const {
  const std::shared_ptr<const PatternMatcher> matcher = MatcherFor(run_id);
  if (matcher->empty()) return value;
  nlohmann::json out = value;
  // Depth-first over the copy; values only, so the document keeps its shape.
  std::vector<nlohmann::json*> pending = {&out};
  while (!pending.empty()) {
    nlohmann::json* node = pending.back();
    pending.pop_back();
    if (node->is_string()) {
      *node = Apply(*matcher, node->get_ref<const std::string&>());
    } else if (node->is_structured()) {
      for (auto& child : *node) pending.push_back(&child);
    }
  }
  return out;
}

}  // namespace batuta::logs
