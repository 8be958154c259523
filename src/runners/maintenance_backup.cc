#include "runners/maintenance_backup.h"

#include <date/date.h>
#include <fmt/format.h>

#include <algorithm>
#include <system_error>
#include <vector>

#include "runs/json_fields.h"

namespace batuta::runners {
namespace {

constexpr std::string_view kPrefix = "batuta-";
constexpr std::string_view kSuffix = ".db";

constexpr std::string_view kDefaultFolder = "backups";
constexpr std::int64_t kDefaultKeep = 7;
constexpr std::int64_t kMaxKeep = 10'000;

struct BackupConfig {
  std::filesystem::path folder{kDefaultFolder};
  std::int64_t keep = kDefaultKeep;
};

Result<BackupConfig> Parse(const nlohmann::json& config) {
  BATUTA_RETURN_IF_ERROR(runs::RefuseUnknownFields(config, "config", {"folder", "keep"}));
  BackupConfig parsed;
  auto folder = runs::ReadString(config, "config", "folder", /*required=*/false);
  if (!folder.ok()) return std::move(folder).error();
  if (!folder->empty()) {
    const std::filesystem::path path(*folder);
    const bool escapes =
        std::any_of(path.begin(), path.end(), [](const auto& part) { return part == ".."; });
    if (path.is_absolute() || escapes || folder->find('\0') != std::string::npos) {
      return Error::Validation("config.folder",
                               "must be a folder inside the data folder (relative, without '..')");
    }
    parsed.folder = path;
  }
  auto keep = runs::ReadInteger(config, "config", "keep", kDefaultKeep, 1, kMaxKeep);
  if (!keep.ok()) return std::move(keep).error();
  parsed.keep = *keep;
  return parsed;
}

// Backups this job wrote, oldest first (their names sort by time).
std::vector<std::filesystem::path> Backups(const std::filesystem::path& folder) {
  std::vector<std::filesystem::path> files;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(folder, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file() && name.starts_with(kPrefix) && name.ends_with(kSuffix)) {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

Status MaintenanceBackup::ValidateConfig(const nlohmann::json& config) const {
  auto parsed = Parse(config);
  if (!parsed.ok()) return std::move(parsed).error();
  return Ok();
}

nlohmann::json MaintenanceBackup::ConfigFields() const {
  return nlohmann::json::array(
      {{{"name", "folder"},
        {"type", "string"},
        {"required", false},
        {"default", kDefaultFolder},
        {"help", "Folder inside the data folder the backups are written to."}},
       {{"name", "keep"},
        {"type", "integer"},
        {"required", false},
        {"default", kDefaultKeep},
        {"minimum", 1},
        {"maximum", kMaxKeep},
        {"help", "How many backups to keep; older ones are deleted."}}});
}

runs::RunOutcome MaintenanceBackup::Run(runs::RunContext& context) const {
  auto config = Parse(context.spec().config);
  if (!config.ok()) return runs::RunOutcome::Failure(config.error().message);
  const auto folder = data_dir_ / config->folder;
  std::error_code ec;
  std::filesystem::create_directories(folder, ec);
  if (ec) {
    return runs::RunOutcome::Failure(
        fmt::format("cannot create {}: {}", folder.string(), ec.message()));
  }
  const auto now = std::chrono::time_point_cast<std::chrono::milliseconds>(context.clock().Now());
  const auto file =
      folder / fmt::format("{}{}{}", kPrefix, date::format("%Y%m%dT%H%M%SZ", now), kSuffix);
  context.Log("info", fmt::format("writing a backup of the store to {}", file.string()));
  if (auto written = store_.Backup(file); !written.ok()) {
    return runs::RunOutcome::Failure("backup failed: " + written.error().message);
  }
  const auto bytes = std::filesystem::file_size(file, ec);
  context.Log("info", fmt::format("backup written: {} bytes", ec ? 0 : bytes));
  auto backups = Backups(folder);
  std::int64_t removed = 0;
  while (static_cast<std::int64_t>(backups.size()) > config->keep) {
    std::filesystem::remove(backups.front(), ec);
    if (!ec) {
      context.Log("info", fmt::format("removed the old backup {}", backups.front().string()));
      ++removed;
    }
    backups.erase(backups.begin());
  }
  return runs::RunOutcome::Success(
      {{"file", file.string()}, {"bytes", ec ? 0 : bytes}, {"removed_old_backups", removed}});
}

}  // namespace batuta::runners
