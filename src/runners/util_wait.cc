#include "runners/util_wait.h"

#include <fmt/format.h>

#include <algorithm>

#include "runs/json_fields.h"

namespace batuta::runners {
namespace {

constexpr std::int64_t kMaxSeconds = std::int64_t{7} * 24 * 3600;

constexpr std::int64_t kDefaultSeconds = 60;
constexpr std::int64_t kDefaultLogEverySeconds = 10;

struct WaitConfig {
  std::int64_t milliseconds = kDefaultSeconds * 1000;
  std::int64_t log_every_milliseconds = kDefaultLogEverySeconds * 1000;
};

// Seconds may be fractional ("0.25"), so tests and demos need not wait whole seconds.
Result<std::int64_t> Milliseconds(const nlohmann::json& object, std::string_view path,
                                  std::string_view field, std::int64_t fallback) {
  const auto it = object.find(field);
  if (it == object.end() || it->is_null()) return fallback;
  if (!it->is_number() || it->get<double>() < 0 ||
      it->get<double>() > static_cast<double>(kMaxSeconds)) {
    return Error::Validation(runs::FieldPath(path, field),
                             fmt::format("must be a number of seconds from 0 to {}", kMaxSeconds));
  }
  return static_cast<std::int64_t>(it->get<double>() * 1000.0);
}

Result<WaitConfig> Parse(const nlohmann::json& config) {
  BATUTA_RETURN_IF_ERROR(
      runs::RefuseUnknownFields(config, "config", {"seconds", "log_every_seconds"}));
  WaitConfig parsed;
  auto total = Milliseconds(config, "config", "seconds", kDefaultSeconds * 1000);
  if (!total.ok()) return std::move(total).error();
  auto every = Milliseconds(config, "config", "log_every_seconds", kDefaultLogEverySeconds * 1000);
  if (!every.ok()) return std::move(every).error();
  parsed.milliseconds = *total;
  parsed.log_every_milliseconds = std::max<std::int64_t>(*every, 1);
  return parsed;
}

}  // namespace

Status UtilWait::ValidateConfig(const nlohmann::json& config) const {
  auto parsed = Parse(config);
  if (!parsed.ok()) return std::move(parsed).error();
  return Ok();
}

nlohmann::json UtilWait::ConfigFields() const {
  return nlohmann::json::array(
      {{{"name", "seconds"},
        {"type", "number"},
        {"required", false},
        {"default", kDefaultSeconds},
        {"minimum", 0},
        {"maximum", kMaxSeconds},
        {"help", "How long to wait; a run parameter \"seconds\" overrides it."}},
       {{"name", "log_every_seconds"},
        {"type", "number"},
        {"required", false},
        {"default", kDefaultLogEverySeconds},
        {"minimum", 0},
        {"maximum", kMaxSeconds},
        {"help", "Write a log line this often while waiting."}}});
}

runs::RunOutcome UtilWait::Run(runs::RunContext& context) const {
  auto config = Parse(context.spec().config);
  if (!config.ok()) return runs::RunOutcome::Failure(config.error().message);
  auto total = Milliseconds(context.parameters(), "parameters", "seconds", config->milliseconds);
  if (!total.ok()) return runs::RunOutcome::Failure(total.error().message);
  context.Log("info", fmt::format("waiting {:.1f} s", static_cast<double>(*total) / 1000.0));
  std::int64_t waited = 0;
  while (waited < *total) {
    const std::int64_t step = std::min(config->log_every_milliseconds, *total - waited);
    // Real time on purpose: this job's whole point is to take time. Returns at once when
    // the run is cancelled or times out.
    if (context.cancel().WaitFor(std::chrono::milliseconds(step))) {
      return runs::RunOutcome::Failure("stopped while waiting");
    }
    waited += step;
    context.ReportProgress({{"waited_ms", waited}, {"of_ms", *total}});
    if (waited < *total) {
      context.Log("info", fmt::format("{:.1f} s of {:.1f} s", static_cast<double>(waited) / 1000.0,
                                      static_cast<double>(*total) / 1000.0));
    }
  }
  context.Log("info", "done waiting");
  return runs::RunOutcome::Success({{"waited_ms", waited}});
}

}  // namespace batuta::runners
