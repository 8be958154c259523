#include "runners/maintenance_prune.h"

#include <fmt/format.h>

#include "runs/json_fields.h"

namespace batuta::runners {
namespace {

constexpr std::int64_t kDefaultOlderThanDays = 30;
constexpr std::int64_t kMaxOlderThanDays = 36'500;
constexpr std::int64_t kDefaultKeepPerJob = 10;
constexpr std::int64_t kMaxKeepPerJob = 1'000'000;

struct PruneConfig {
  std::int64_t older_than_days = kDefaultOlderThanDays;
  std::int64_t keep_per_job = kDefaultKeepPerJob;
};

Result<PruneConfig> Parse(const nlohmann::json& config) {
  BATUTA_RETURN_IF_ERROR(
      runs::RefuseUnknownFields(config, "config", {"older_than_days", "keep_per_job"}));
  PruneConfig parsed;
  auto days = runs::ReadInteger(config, "config", "older_than_days", kDefaultOlderThanDays, 0,
                                kMaxOlderThanDays);
  if (!days.ok()) return std::move(days).error();
  auto keep =
      runs::ReadInteger(config, "config", "keep_per_job", kDefaultKeepPerJob, 0, kMaxKeepPerJob);
  if (!keep.ok()) return std::move(keep).error();
  parsed.older_than_days = *days;
  parsed.keep_per_job = *keep;
  return parsed;
}

}  // namespace

Status MaintenancePrune::ValidateConfig(const nlohmann::json& config) const {
  auto parsed = Parse(config);
  if (!parsed.ok()) return std::move(parsed).error();
  return Ok();
}

nlohmann::json MaintenancePrune::ConfigFields() const {
  return nlohmann::json::array(
      {{{"name", "older_than_days"},
        {"type", "integer"},
        {"required", false},
        {"default", kDefaultOlderThanDays},
        {"minimum", 0},
        {"maximum", kMaxOlderThanDays},
        {"help", "Delete runs that finished more than this many days ago."}},
       {{"name", "keep_per_job"},
        {"type", "integer"},
        {"required", false},
        {"default", kDefaultKeepPerJob},
        {"minimum", 0},
        {"maximum", kMaxKeepPerJob},
        {"help", "Always keep this many of each job's newest finished runs."}}});
}

runs::RunOutcome MaintenancePrune::Run(runs::RunContext& context) const {
  auto config = Parse(context.spec().config);
  if (!config.ok()) return runs::RunOutcome::Failure(config.error().message);
  const TimePoint cutoff = context.clock().Now() - std::chrono::hours(24) * config->older_than_days;
  context.Log("info", fmt::format("deleting runs finished before {}, keeping the newest {} of "
                                  "each job",
                                  FormatRfc3339(cutoff), config->keep_per_job));
  auto deleted = store_.Runs().Prune(cutoff, static_cast<int>(config->keep_per_job));
  if (!deleted.ok()) return runs::RunOutcome::Failure("prune failed: " + deleted.error().message);
  context.Log("info", fmt::format("deleted {} runs with their logs", *deleted));
  return runs::RunOutcome::Success({{"deleted_runs", *deleted}, {"cutoff", FormatRfc3339(cutoff)}});
}

}  // namespace batuta::runners
