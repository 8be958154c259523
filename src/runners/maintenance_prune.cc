#include "runners/maintenance_prune.h"

#include <fmt/format.h>

#include "runs/json_fields.h"

namespace batuta::runners {
namespace {

struct PruneConfig {
  std::int64_t older_than_days = 30;
  std::int64_t keep_per_job = 10;
};

Result<PruneConfig> Parse(const nlohmann::json& config) {
  BATUTA_RETURN_IF_ERROR(
      runs::RefuseUnknownFields(config, "config", {"older_than_days", "keep_per_job"}));
  PruneConfig parsed;
  auto days = runs::ReadInteger(config, "config", "older_than_days", 30, 0, 36'500);
  if (!days.ok()) return std::move(days).error();
  auto keep = runs::ReadInteger(config, "config", "keep_per_job", 10, 0, 1'000'000);
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
